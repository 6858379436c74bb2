import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { allocationBodySchema, gemeenteCodeSchema, type AllocationBody } from '@npo/contracts';
import { CurrentPrincipal, Roles, ZodBody, ZodValidationPipe, type Principal } from '@npo/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ExecuteGemeenteCommand } from '../commands/execute-gemeente-command.js';
import { accepted, commandMetaOf } from './command-meta.js';

@Controller('v1/gemeenten')
export class GemeentenController {
  constructor(private readonly commands: CommandBus) {}

  /** The gemeente's own NPO allocation (specifieke uitkering), recorded by the funder. */
  @Post(':code/allocations')
  @Roles('ocw')
  async allocate(
    @Param('code', new ZodValidationPipe(gemeenteCodeSchema)) gemeente: string,
    @Body(new ZodBody(allocationBodySchema)) body: AllocationBody,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    // Two allocations of the same amount are both legitimate, so only the key tells a retry apart.
    const meta = commandMetaOf(request, principal, { requireIdempotencyKey: true });
    const reply = await this.commands.execute(
      new ExecuteGemeenteCommand(gemeente, { type: 'AllocateGemeenteFunds', actor: meta.actor, data: { gemeente, ...body } }, meta),
    );
    return accepted(response, reply);
  }
}
