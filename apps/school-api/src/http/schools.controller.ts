import { Body, Controller, Get, Param, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import {
  allocationBodySchema,
  brinSchema,
  evaluationBodySchema,
  interventionBodySchema,
  menukaartCodeSchema,
  mrDecisionBodySchema,
  registerSchoolBodySchema,
  scanBodySchema,
  withdrawalBodySchema,
  type AllocationBody,
  type EvaluationBody,
  type InterventionBody,
  type MrDecisionBody,
  type RegisterSchoolBody,
  type ScanBody,
  type SchoolPlanView,
  type WithdrawalBody,
} from '@npo/contracts';
import type { SchoolCommand } from '@npo/domain';
import { CurrentPrincipal, OwnBrin, Roles, ZodBody, ZodValidationPipe, type Principal } from '@npo/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandReply } from '../application/stream-command-executor.js';
import { ExecuteSchoolCommand } from '../commands/execute-school-command.js';
import { GetSchoolPlanQuery } from '../commands/get-school-plan.query.js';
import { accepted, commandMetaOf, type CommandMetaOptions } from './command-meta.js';

const brinParam = new ZodValidationPipe(brinSchema);
const codeParam = new ZodValidationPipe(menukaartCodeSchema);

/** Thin: validate, build the domain command, send it on the bus, shape the reply. */
@Controller('v1/schools')
export class SchoolsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @Put(':brin')
  @Roles('ocw', 'admin')
  async register(
    @Param('brin', brinParam) brin: string,
    @Body(new ZodBody(registerSchoolBodySchema)) body: RegisterSchoolBody,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    const reply = await this.send(brin, principal, request, (actor) => ({ type: 'RegisterSchool', actor, data: { brin, ...body } }));
    // 201 only when this request created the school; an update or an unchanged repeat is 200.
    return accepted(response, reply, reply.streamVersion === 0);
  }

  @Get(':brin')
  @Roles('school', 'ocw', 'admin')
  @OwnBrin()
  plan(@Param('brin', brinParam) brin: string, @CurrentPrincipal() principal: Principal): Promise<SchoolPlanView> {
    return this.queries.execute(new GetSchoolPlanQuery(brin, principal.role === 'school'));
  }

  @Post(':brin/scans')
  @Roles('school')
  @OwnBrin()
  async scan(
    @Param('brin', brinParam) brin: string,
    @Body(new ZodBody(scanBodySchema)) body: ScanBody,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return accepted(response, await this.send(brin, principal, request, (actor) => ({ type: 'CompleteScan', actor, data: { brin, ...body } })));
  }

  @Post(':brin/interventions')
  @Roles('school')
  @OwnBrin()
  async choose(
    @Param('brin', brinParam) brin: string,
    @Body(new ZodBody(interventionBodySchema)) body: InterventionBody,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return accepted(response, await this.send(brin, principal, request, (actor) => ({ type: 'ChooseIntervention', actor, data: { brin, ...body } })));
  }

  @Post(':brin/interventions/:code/withdrawals')
  @Roles('school')
  @OwnBrin()
  async withdraw(
    @Param('brin', brinParam) brin: string,
    @Param('code', codeParam) code: string,
    @Body(new ZodBody(withdrawalBodySchema)) body: WithdrawalBody,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return accepted(
      response,
      await this.send(brin, principal, request, (actor) => ({ type: 'WithdrawIntervention', actor, data: { brin, code, ...body } })),
    );
  }

  @Post(':brin/mr-decisions')
  @Roles('school')
  @OwnBrin()
  async mrDecision(
    @Param('brin', brinParam) brin: string,
    @Body(new ZodBody(mrDecisionBodySchema)) body: MrDecisionBody,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return accepted(response, await this.send(brin, principal, request, (actor) => ({ type: 'DecideMr', actor, data: { brin, ...body } })));
  }

  @Post(':brin/evaluations')
  @Roles('school')
  @OwnBrin()
  async evaluate(
    @Param('brin', brinParam) brin: string,
    @Body(new ZodBody(evaluationBodySchema)) body: EvaluationBody,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    return accepted(
      response,
      await this.send(brin, principal, request, (actor) => ({ type: 'EvaluateIntervention', actor, data: { brin, ...body } })),
    );
  }

  @Post(':brin/allocations')
  @Roles('ocw')
  async allocate(
    @Param('brin', brinParam) brin: string,
    @Body(new ZodBody(allocationBodySchema)) body: AllocationBody,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    // Two allocations of the same amount are both legitimate, so only the key tells a retry apart.
    return accepted(
      response,
      await this.send(brin, principal, request, (actor) => ({ type: 'AllocateFunds', actor, data: { brin, ...body } }), { requireIdempotencyKey: true }),
    );
  }

  private send(
    brin: string,
    principal: Principal,
    request: FastifyRequest,
    build: (actor: SchoolCommand['actor']) => SchoolCommand,
    options?: CommandMetaOptions,
  ): Promise<CommandReply> {
    const meta = commandMetaOf(request, principal, options);
    return this.commands.execute(new ExecuteSchoolCommand(brin, build(meta.actor), meta));
  }
}
