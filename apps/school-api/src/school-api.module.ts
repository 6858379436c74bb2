import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { gemeenteDecider, schoolDecider, type GemeenteCommand, type GemeenteState, type SchoolCommand, type SchoolState } from '@npo/domain';
import type { EventStore } from '@npo/event-store';
import type { IdempotencyKeys } from './application/idempotency-keys.js';
import { StreamCommandExecutor, type Decider } from './application/stream-command-executor.js';
import { ExecuteGemeenteCommandHandler } from './commands/execute-gemeente-command.js';
import { ExecuteSchoolCommandHandler } from './commands/execute-school-command.js';
import { GetSchoolPlanQueryHandler } from './commands/get-school-plan.query.js';
import { GemeentenController } from './http/gemeenten.controller.js';
import { SchoolsController } from './http/schools.controller.js';
import { EVENT_STORE, GEMEENTE_EXECUTOR, SCHOOL_EXECUTOR } from './tokens.js';

export interface SchoolApiDependencies {
  readonly store: EventStore;
  readonly clock: () => Date;
  readonly newId: () => string;
  /** One record of Idempotency-Keys for both executors: a key is the caller's, not a stream's. */
  readonly keys: IdempotencyKeys;
}

@Module({})
export class SchoolApiModule {
  static forRoot({ store, clock, newId, keys }: SchoolApiDependencies): DynamicModule {
    return {
      module: SchoolApiModule,
      imports: [CqrsModule.forRoot()],
      controllers: [SchoolsController, GemeentenController],
      providers: [
        { provide: EVENT_STORE, useValue: store },
        {
          provide: SCHOOL_EXECUTOR,
          useValue: new StreamCommandExecutor<SchoolCommand, SchoolState>(store, schoolDecider as Decider<SchoolCommand, SchoolState>, { clock, newId, keys }),
        },
        {
          provide: GEMEENTE_EXECUTOR,
          useValue: new StreamCommandExecutor<GemeenteCommand, GemeenteState>(store, gemeenteDecider as Decider<GemeenteCommand, GemeenteState>, {
            clock,
            newId,
            keys,
          }),
        },
        ExecuteSchoolCommandHandler,
        ExecuteGemeenteCommandHandler,
        GetSchoolPlanQueryHandler,
      ],
    };
  }
}
