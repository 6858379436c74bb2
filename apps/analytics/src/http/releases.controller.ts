import { type ArgumentMetadata, Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { lastEndedDay, type ReleaseMetadata } from '@npo/analytics-releases';
import { canonicalJson, idempotencyKeyOf, NotFoundError, Public, Roles, TokenService, ZodBody, ZodValidationPipe } from '@npo/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AnalyticsRuntime } from '../analytics-runtime.js';
import { ANALYTICS_RUNTIME } from '../tokens.js';
import { type CreateReleaseBody, createReleaseBodySchema, releaseNumberSchema } from './query.js';
import { isTrustedRole, optionalPrincipal } from './request-principal.js';

/**
 * `1.csv` asks for release 1 in a form the service does not have (only the reports have a CSV form): a
 * resource that does not exist, 404 as any unknown path, not a misspelt number. `1.0`, `1e0` and `0x1` stay
 * 400: they spell the number, and nothing is guessed.
 */
class ReleaseNumberPipe extends ZodValidationPipe<typeof releaseNumberSchema> {
  override transform(value: unknown, metadata: ArgumentMetadata): number {
    const form = typeof value === 'string' ? /^([1-9][0-9]*)\.([A-Za-z]+)$/.exec(value) : null;
    if (form !== null) {
      throw new NotFoundError(`A release has no .${form[2]} form: /v1/releases/${form[1]} is JSON; the reports of a release are CSV as well (/v1/reports/national.csv?release=${form[1]}).`);
    }
    return super.transform(value, metadata);
  }
}

const numberPipe = new ReleaseNumberPipe(releaseNumberSchema);

@Controller('v1/releases')
export class ReleasesController {
  constructor(
    @Inject(ANALYTICS_RUNTIME) private readonly runtime: AnalyticsRuntime,
    @Inject(TokenService) private readonly tokens: TokenService,
  ) {}

  /** The release log: number, as-of date, who, when, code version, how much was suppressed. */
  @Get()
  @Public()
  async list(): Promise<{ releases: ReleaseMetadata[] }> {
    return { releases: await this.runtime.releases.list() };
  }

  /**
   * One release's metadata and its public disclosure record: the rules and the audit's verdict. Which cells
   * are withheld is listed for ocw/admin only: the ids span every gemeente, and a gemeente reads its own.
   */
  @Get(':number')
  @Public()
  async one(@Param('number', numberPipe) number: number, @Req() request: FastifyRequest) {
    const trusted = isTrustedRole(await optionalPrincipal(request, this.tokens));
    const stored = await this.runtime.releases.get(number);
    if (stored === undefined) throw new NotFoundError(`Release ${number} does not exist.`, 'RELEASE_NOT_FOUND');
    const { disclosure, basis } = stored.report;
    return {
      ...stored.metadata,
      schoolYears: basis.schoolYears,
      disclosure: trusted ? disclosure : { parameters: disclosure.parameters, audit: disclosure.audit },
    };
  }

  /**
   * Makes a release. With an Idempotency-Key a retry gets the release the first request made (201, header
   * `Idempotent-Replayed: true`), even one sent while that is still being computed; without one every
   * request makes a release.
   */
  @Post()
  @Roles('ocw', 'admin')
  @HttpCode(201)
  async create(
    @Body(new ZodBody(createReleaseBodySchema)) body: CreateReleaseBody,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<ReleaseMetadata> {
    const principal = request.principal;
    const key = idempotencyKeyOf(request);
    const asked = {
      asOf: body.asOf ?? lastEndedDay(new Date()),
      createdBy: principal === undefined ? 'unknown' : `${principal.role}:${principal.sub}`,
      ...(body.parameters === undefined ? {} : { parameters: body.parameters }),
    };
    if (key === null) return (await this.runtime.releaseService.create(asked)).metadata;
    // The body as sent, not the resolved date: a retry on the next day still means the same release.
    const { release, replayed } = await this.runtime.releaseService.createOnce(asked, { key, request: canonicalJson(body) });
    if (replayed) response.header('idempotent-replayed', 'true');
    return release.metadata;
  }
}
