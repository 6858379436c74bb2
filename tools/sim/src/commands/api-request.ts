import {
  gemeenteStreamId,
  schoolStreamId,
  type Actor,
  type AllocationBody,
  type EvaluationBody,
  type InterventionBody,
  type MrDecisionBody,
  type RegisterSchoolBody,
  type ScanBody,
  type WithdrawalBody,
} from '@npo/contracts';
import type { GemeenteCommand, SchoolCommand } from '@npo/domain';

/** The bearer token a request needs: the school itself, or the funder. */
export type RequestAuth = { readonly role: 'school'; readonly brin: string } | { readonly role: 'ocw' };

/**
 * One call of the school API (DESIGN.md "School API"), with the body typed by the contracts'
 * request schemas. `kind` is for the simulator's own bookkeeping and is not sent.
 */
export type ApiRequest =
  | { readonly kind: 'registerSchool'; readonly brin: string; readonly body: RegisterSchoolBody }
  | { readonly kind: 'scan'; readonly brin: string; readonly body: ScanBody }
  | { readonly kind: 'chooseIntervention'; readonly brin: string; readonly body: InterventionBody }
  | { readonly kind: 'withdrawIntervention'; readonly brin: string; readonly code: string; readonly body: WithdrawalBody }
  | { readonly kind: 'mrDecision'; readonly brin: string; readonly body: MrDecisionBody }
  | { readonly kind: 'evaluation'; readonly brin: string; readonly body: EvaluationBody }
  | { readonly kind: 'schoolAllocation'; readonly brin: string; readonly body: AllocationBody }
  | { readonly kind: 'gemeenteAllocation'; readonly gemeente: string; readonly body: AllocationBody };

export type ApiRequestKind = ApiRequest['kind'];

const assertNever = (x: never): never => {
  throw new Error(`unhandled request ${JSON.stringify(x)}`);
};

export function methodOf(request: ApiRequest): 'PUT' | 'POST' {
  return request.kind === 'registerSchool' ? 'PUT' : 'POST';
}

export function pathOf(request: ApiRequest): string {
  switch (request.kind) {
    case 'registerSchool':
      return `/v1/schools/${request.brin}`;
    case 'scan':
      return `/v1/schools/${request.brin}/scans`;
    case 'chooseIntervention':
      return `/v1/schools/${request.brin}/interventions`;
    case 'withdrawIntervention':
      return `/v1/schools/${request.brin}/interventions/${request.code}/withdrawals`;
    case 'mrDecision':
      return `/v1/schools/${request.brin}/mr-decisions`;
    case 'evaluation':
      return `/v1/schools/${request.brin}/evaluations`;
    case 'schoolAllocation':
      return `/v1/schools/${request.brin}/allocations`;
    case 'gemeenteAllocation':
      return `/v1/gemeenten/${request.gemeente}/allocations`;
    default:
      return assertNever(request);
  }
}

/** Registration and allocations are the funder's; everything else is the school's own. */
export function authOf(request: ApiRequest): RequestAuth {
  switch (request.kind) {
    case 'registerSchool':
    case 'schoolAllocation':
    case 'gemeenteAllocation':
      return { role: 'ocw' };
    case 'scan':
    case 'chooseIntervention':
    case 'withdrawIntervention':
    case 'mrDecision':
    case 'evaluation':
      return { role: 'school', brin: request.brin };
    default:
      return assertNever(request);
  }
}

/** The actor as the API records it: the token's role and its default subject. */
export function actorOf(auth: RequestAuth): Actor {
  return auth.role === 'school' ? { role: 'school', id: `school:${auth.brin}` } : { role: 'ocw', id: 'ocw' };
}

export function streamIdOf(request: ApiRequest): string {
  return request.kind === 'gemeenteAllocation' ? gemeenteStreamId(request.gemeente) : schoolStreamId(request.brin);
}

/**
 * The domain command the API makes of a request: path parameters joined with the body. The store
 * target decides exactly these commands, so what lands in the store is what the API would append.
 */
export function commandOf(request: ApiRequest): SchoolCommand | GemeenteCommand {
  const actor = actorOf(authOf(request));
  switch (request.kind) {
    case 'registerSchool':
      return { type: 'RegisterSchool', actor, data: { brin: request.brin, ...request.body } };
    case 'scan':
      return { type: 'CompleteScan', actor, data: { brin: request.brin, ...request.body } };
    case 'chooseIntervention':
      return { type: 'ChooseIntervention', actor, data: { brin: request.brin, ...request.body } };
    case 'withdrawIntervention':
      return { type: 'WithdrawIntervention', actor, data: { brin: request.brin, code: request.code, ...request.body } };
    case 'mrDecision':
      return { type: 'DecideMr', actor, data: { brin: request.brin, ...request.body } };
    case 'evaluation':
      return { type: 'EvaluateIntervention', actor, data: { brin: request.brin, ...request.body } };
    case 'schoolAllocation':
      return { type: 'AllocateFunds', actor, data: { brin: request.brin, ...request.body } };
    case 'gemeenteAllocation':
      return { type: 'AllocateGemeenteFunds', actor, data: { gemeente: request.gemeente, ...request.body } };
    default:
      return assertNever(request);
  }
}
