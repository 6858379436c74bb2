import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { gemeenteStreamId } from '@npo/contracts';
import type { GemeenteCommand, GemeenteState } from '@npo/domain';
import type { CommandMeta, CommandReply, StreamCommandExecutor } from '../application/stream-command-executor.js';
import { GEMEENTE_EXECUTOR } from '../tokens.js';

export class ExecuteGemeenteCommand extends Command<CommandReply> {
  constructor(
    readonly gemeente: string,
    readonly command: GemeenteCommand,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ExecuteGemeenteCommand)
export class ExecuteGemeenteCommandHandler implements ICommandHandler<ExecuteGemeenteCommand, CommandReply> {
  constructor(@Inject(GEMEENTE_EXECUTOR) private readonly executor: StreamCommandExecutor<GemeenteCommand, GemeenteState>) {}

  execute({ gemeente, command, meta }: ExecuteGemeenteCommand): Promise<CommandReply> {
    return this.executor.execute(gemeenteStreamId(gemeente), command, meta);
  }
}
