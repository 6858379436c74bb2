import { z } from 'zod';

/** Sectors of funderend onderwijs that receive NPO money (DUO abbreviations). */
export const sectors = ['bo', 'sbo', 'vo', 'pro', 'vso', 'so'] as const;
export type Sector = (typeof sectors)[number];

/** The six scan domains; camelCase keys on the wire. */
export const scanDomains = ['rekenen', 'taal', 'lezen', 'executieveFuncties', 'sociaalEmotioneel', 'welbevinden'] as const;
export type ScanDomain = (typeof scanDomains)[number];

export const severityLevels = ['none', 'mild', 'considerable', 'severe'] as const;
export type SeverityLevel = (typeof severityLevels)[number];

export const implementedAsPlannedValues = ['yes', 'partly', 'no'] as const;
export type ImplementedAsPlanned = (typeof implementedAsPlannedValues)[number];

export const mrDecisions = ['approved', 'rejected'] as const;
export type MrDecision = (typeof mrDecisions)[number];

/** BRIN (instellingscode): 2 digits + 2 capitals, optionally a 2-digit vestiging suffix (`16SW`, `16SW03`). */
export const brinPattern = /^[0-9]{2}[A-Z]{2}(?:[0-9]{2})?$/;
export const brinSchema = z.string().regex(brinPattern, 'BRIN must look like 16SW or 16SW03');

/** CBS gemeente code (`GM0363`). */
export const gemeenteCodePattern = /^GM\d{4}$/;
export const gemeenteCodeSchema = z.string().regex(gemeenteCodePattern, 'gemeente must look like GM0363');

/** Menukaart code as this project numbers it (A1 .. F2); whether it exists is a domain question. */
export const menukaartCodePattern = /^[A-F][1-9][0-9]?$/;
export const menukaartCodeSchema = z.string().regex(menukaartCodePattern, 'code must look like B3');

/** NPO notation `2021-2022`; the second year must follow the first. */
export const schoolYearPattern = /^(\d{4})-(\d{4})$/;
export const schoolYearSchema = z
  .string()
  .regex(schoolYearPattern, 'schoolYear must look like 2021-2022')
  .refine((s) => {
    const m = schoolYearPattern.exec(s);
    return m !== null && Number(m[2]) === Number(m[1]) + 1;
  }, 'schoolYear must span two consecutive years');

/** Calendar date `YYYY-MM-DD` (validated as a real date). */
export const isoDateSchema = z.iso.date();

/** Money is integer euro-cents, positive, within the float-safe integer range. */
export const positiveCentsSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const severitySchema = z.enum(severityLevels);

export const findingsSchema = z.object({
  rekenen: severitySchema,
  taal: severitySchema,
  lezen: severitySchema,
  executieveFuncties: severitySchema,
  sociaalEmotioneel: severitySchema,
  welbevinden: severitySchema,
});
export type Findings = z.infer<typeof findingsSchema>;
/**
 * The same fields for request bodies, strict like the bodies themselves: an unknown key is a typo to
 * report (400), not to drop. Events keep the tolerant `findingsSchema` so a consumer can read data from
 * a newer producer; stored events never held extra keys anyway (requests stripped them before).
 */
export const findingsBodySchema = z.strictObject(findingsSchema.shape);

/** Non-empty list of distinct domains an intervention aims at. */
export const targetDomainsSchema = z
  .array(z.enum(scanDomains))
  .min(1)
  .max(scanDomains.length)
  .refine((ds) => new Set(ds).size === ds.length, 'targetDomains must not repeat a domain');

/*
 * Free text as people type it. Request bodies refuse text that shows nothing once whitespace and
 * invisible format characters (zero-width space, word joiner, BOM: \p{Cf}) are set aside, control
 * characters (NUL, ESC; in a name also line breaks and tabs, as a name is a one-line label in reports and
 * CSV, while a reason or basis may run over lines, as text pasted from a letter does), and a UTF-16 half
 * without its partner, which no encoder turns into valid UTF-8 downstream. Event schemas keep the old,
 * lenient rules: events stored before this check must still be read.
 */
const invisible = /[\p{White_Space}\p{Cf}]/gu;
const control = /\p{Cc}/u;
const controlBesidesLineBreaks = /[^\P{Cc}\t\n\r]/u;
const loneSurrogate = /\p{Cs}/u; // with the u flag only an unpaired half matches

function checkText(text: string, ctx: z.core.$RefinementCtx<string>, controls: RegExp): void {
  if (text.replace(invisible, '') === '') ctx.addIssue({ code: 'custom', message: 'must contain visible characters' });
  if (controls.test(text)) ctx.addIssue({ code: 'custom', message: 'must not contain control characters' });
  if (loneSurrogate.test(text)) ctx.addIssue({ code: 'custom', message: 'must not contain unpaired UTF-16 surrogates' });
}
const typedName = (text: string, ctx: z.core.$RefinementCtx<string>): void => checkText(text, ctx, control);
const typedText = (text: string, ctx: z.core.$RefinementCtx<string>): void => checkText(text, ctx, controlBesidesLineBreaks);

export const measuredEffectSchema = z.object({
  /** Hedges g (or comparable standardised mean difference). */
  effectSize: z.number().min(-5).max(5),
  pupils: z.number().int().positive().max(1_000_000),
  instrument: z.string().trim().min(1).max(200),
});
export type MeasuredEffect = z.infer<typeof measuredEffectSchema>;
/** Strict request-side twin of `measuredEffectSchema` (see `findingsBodySchema`), with typed text. */
export const measuredEffectBodySchema = z.strictObject({
  ...measuredEffectSchema.shape,
  instrument: measuredEffectSchema.shape.instrument.superRefine(typedText),
});

export const schoolNameSchema = z.string().trim().min(1).max(200);
export const pupilCountSchema = z.number().int().nonnegative().max(1_000_000);
/** CBS achterstandsscore: a non-negative score, not necessarily an integer. */
export const achterstandsscoreSchema = z.number().nonnegative().max(1_000_000);
export const freeTextSchema = z.string().trim().min(1).max(500);

/** Request-side names and free text: as the event schemas, and typed text (see `typedText`). */
export const schoolNameBodySchema = schoolNameSchema.superRefine(typedName);
export const freeTextBodySchema = freeTextSchema.superRefine(typedText);
