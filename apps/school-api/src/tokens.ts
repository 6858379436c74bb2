export const EVENT_STORE = Symbol('EVENT_STORE');
export const SCHOOL_EXECUTOR = Symbol('SCHOOL_EXECUTOR');
export const GEMEENTE_EXECUTOR = Symbol('GEMEENTE_EXECUTOR');
export const CLOCK = Symbol('CLOCK');
