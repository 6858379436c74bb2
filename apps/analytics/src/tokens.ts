export const ANALYTICS_RUNTIME = Symbol('ANALYTICS_RUNTIME');
export const REPORT_SOURCE = Symbol('REPORT_SOURCE');
