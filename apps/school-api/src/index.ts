export { startSchoolApi, SCHOOL_API_VERSION, type RunningSchoolApi, type StartSchoolApiOptions } from './start-school-api.js';
export { buildOpenApiDocument } from './http/openapi.js';
