// For tests of analytics projects only: builders of realistic NPO events and a seeded history.
export * from './testing/events.js';
export * from './testing/history.js';
export * from './testing/temp-dir.js';
