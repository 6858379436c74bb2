import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { schoolStreamId, type SchoolPlanView } from '@npo/contracts';
import { schoolPlanView, type SchoolCommand, type SchoolState } from '@npo/domain';
import { UnknownSubjectError } from '../application/application-errors.js';
import type { StreamCommandExecutor } from '../application/stream-command-executor.js';
import { SCHOOL_EXECUTOR } from '../tokens.js';

export class GetSchoolPlanQuery extends Query<SchoolPlanView> {
  constructor(
    readonly brin: string,
    /** Scan findings only for the school itself. */
    readonly includeFindings: boolean,
  ) {
    super();
  }
}

@QueryHandler(GetSchoolPlanQuery)
export class GetSchoolPlanQueryHandler implements IQueryHandler<GetSchoolPlanQuery, SchoolPlanView> {
  constructor(@Inject(SCHOOL_EXECUTOR) private readonly executor: StreamCommandExecutor<SchoolCommand, SchoolState>) {}

  async execute({ brin, includeFindings }: GetSchoolPlanQuery): Promise<SchoolPlanView> {
    const streamId = schoolStreamId(brin);
    const { state } = await this.executor.read(streamId);
    const view = schoolPlanView(state, { includeFindings });
    if (view === undefined) throw new UnknownSubjectError(streamId);
    return view;
  }
}
