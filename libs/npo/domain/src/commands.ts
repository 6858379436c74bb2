import type {
  Actor,
  FundsAllocatedData,
  GemeenteFundsAllocatedData,
  InterventionChosenData,
  InterventionEvaluatedData,
  InterventionWithdrawnData,
  MrDecision,
  ScanCompletedData,
  SchoolDetails,
} from '@npo/contracts';

/** Every command says who asks; the deciders check roles only where a rule is about the role. */
interface Command<TType extends string, TData> {
  readonly type: TType;
  readonly data: TData;
  readonly actor: Actor;
}

/** Upsert of reference data (`PUT /v1/schools/{brin}`): registers, changes, or does nothing. */
export type RegisterSchool = Command<'RegisterSchool', SchoolDetails>;
/** Like RegisterSchool, but refuses an unknown school (for callers that must not create one). */
export type ChangeSchoolDetails = Command<'ChangeSchoolDetails', SchoolDetails>;
export type CompleteScan = Command<'CompleteScan', ScanCompletedData>;
export type ChooseIntervention = Command<'ChooseIntervention', InterventionChosenData>;
export type WithdrawIntervention = Command<'WithdrawIntervention', InterventionWithdrawnData>;
export type DecideMr = Command<
  'DecideMr',
  { readonly brin: string; readonly schoolYear: string; readonly decision: MrDecision; readonly decidedOn: string }
>;
export type AllocateFunds = Command<'AllocateFunds', FundsAllocatedData>;
export type EvaluateIntervention = Command<'EvaluateIntervention', InterventionEvaluatedData>;

export type SchoolCommand =
  | RegisterSchool
  | ChangeSchoolDetails
  | CompleteScan
  | ChooseIntervention
  | WithdrawIntervention
  | DecideMr
  | AllocateFunds
  | EvaluateIntervention;

export type AllocateGemeenteFunds = Command<'AllocateGemeenteFunds', GemeenteFundsAllocatedData>;
export type GemeenteCommand = AllocateGemeenteFunds;

/** What a decision may depend on besides state and command; nothing random, nothing read. */
export interface DecideContext {
  /** ISO 8601 instant of the request, from the caller's clock. */
  readonly now: string;
}
