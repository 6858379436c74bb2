import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import { evidenceReport, gemeenteReport, nationalReport, reportToCsv, type ReportDocument, type ReportScopeRequest } from '@npo/analytics-reports';
import { gemeenteCodeSchema } from '@npo/contracts';
import { ForbiddenError, MalformedRequestError, NotFoundError, Public, Roles, TokenService, ZodValidationPipe } from '@npo/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ReportSource, type SourcedReport } from '../report-source.js';
import { REPORT_SOURCE } from '../tokens.js';
import { evidenceQuerySchema, type ReportQuery, reportQuerySchema } from './query.js';
import { requireAdHocRole } from './request-principal.js';

const queryPipe = new ZodValidationPipe(reportQuerySchema);
const evidenceQueryPipe = new ZodValidationPipe(evidenceQuerySchema);
const gemeentePipe = new ZodValidationPipe(gemeenteCodeSchema);

@Controller('v1/reports')
export class ReportsController {
  constructor(
    @Inject(REPORT_SOURCE) private readonly source: ReportSource,
    @Inject(TokenService) private readonly tokens: TokenService,
  ) {}

  @Get('national')
  @Public()
  async national(@Query(queryPipe) query: ReportQuery, @Req() request: FastifyRequest): Promise<ReportDocument> {
    const { report, release } = await this.#source(query, request, { view: 'national', ...yearOf(query) });
    return nationalReport(report, this.#year(query, report.basis.schoolYears), release);
  }

  @Get('national.csv')
  @Public()
  async nationalCsv(@Query(queryPipe) query: ReportQuery, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return csv(reply, await this.national(query, request), 'npo-landelijk');
  }

  @Get('gemeenten/:code.csv')
  @Roles('gemeente', 'ocw', 'admin')
  async gemeenteCsv(
    @Param('code', gemeentePipe) code: string,
    @Query(queryPipe) query: ReportQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return csv(reply, await this.gemeente(code, query, request), `npo-${code}`);
  }

  @Get('gemeenten/:code')
  @Roles('gemeente', 'ocw', 'admin')
  async gemeente(@Param('code', gemeentePipe) code: string, @Query(queryPipe) query: ReportQuery, @Req() request: FastifyRequest): Promise<ReportDocument> {
    const principal = request.principal;
    if (principal?.role === 'gemeente' && principal.gemeente !== code) {
      throw new ForbiddenError(`A gemeente may only read its own report (${principal.gemeente}).`, 'NOT_OWN_GEMEENTE');
    }
    const { report, release } = await this.#source(query, request, { view: 'gemeente', gemeente: code, ...yearOf(query) });
    return gemeenteReport(report, code, this.#year(query, report.basis.schoolYears), release);
  }

  @Get('evidence')
  @Public()
  async evidence(@Query(evidenceQueryPipe) query: ReportQuery, @Req() request: FastifyRequest): Promise<ReportDocument> {
    const { report, release } = await this.#source(query, request, { view: 'evidence' });
    return evidenceReport(report, release);
  }

  @Get('evidence.csv')
  @Public()
  async evidenceCsv(@Query(evidenceQueryPipe) query: ReportQuery, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    return csv(reply, await this.evidence(query, request), 'npo-evidentie');
  }

  /** A release, or (asOf, ocw/admin) the ad-hoc view `scope`: only what this response shows is computed. */
  async #source(query: ReportQuery, request: FastifyRequest, scope: ReportScopeRequest): Promise<SourcedReport> {
    if (query.asOf === undefined) return this.source.released(query.release);
    if (query.release !== undefined) throw new MalformedRequestError('asOf (ad hoc) and release exclude each other.');
    await requireAdHocRole(request, this.tokens);
    return this.source.adHoc(query.asOf, scope);
  }

  #year(query: ReportQuery, available: readonly string[]): string {
    const year = query.schoolYear ?? available.at(-1);
    if (year === undefined) throw new NotFoundError('The report has no school year with data yet.', 'NO_SCHOOL_YEAR');
    return year;
  }
}

const yearOf = (query: ReportQuery): { schoolYear?: string } => (query.schoolYear === undefined ? {} : { schoolYear: query.schoolYear });

function csv(reply: FastifyReply, doc: ReportDocument, name: string): string {
  const file = `${name}${doc.schoolYear === undefined ? '' : `-${doc.schoolYear}`}-${doc.release === null ? `peildatum-${doc.asOf}` : `release-${doc.release.number ?? doc.release.id}`}.csv`;
  void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${file}"`);
  return reportToCsv(doc);
}
