import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { schoolStreamId } from '@npo/contracts';
import type { SchoolCommand, SchoolState } from '@npo/domain';
import type { CommandMeta, CommandReply, StreamCommandExecutor } from '../application/stream-command-executor.js';
import { SCHOOL_EXECUTOR } from '../tokens.js';

/** Any command on a school's stream; the controller has already built the domain command. */
export class ExecuteSchoolCommand extends Command<CommandReply> {
  constructor(
    readonly brin: string,
    readonly command: SchoolCommand,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(ExecuteSchoolCommand)
export class ExecuteSchoolCommandHandler implements ICommandHandler<ExecuteSchoolCommand, CommandReply> {
  constructor(@Inject(SCHOOL_EXECUTOR) private readonly executor: StreamCommandExecutor<SchoolCommand, SchoolState>) {}

  execute({ brin, command, meta }: ExecuteSchoolCommand): Promise<CommandReply> {
    return this.executor.execute(schoolStreamId(brin), command, meta);
  }
}
