export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read arbitrary members
  readonly body: any;
}

export interface CallOptions {
  readonly token?: string;
  /** Serialised as JSON with `Content-Type: application/json`. */
  readonly json?: unknown;
  /** Sent as is; set `contentType` yourself. */
  readonly raw?: string;
  readonly contentType?: string;
  readonly idempotencyKey?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** One real HTTP request with fetch. */
export async function call(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] = options.contentType ?? 'application/json';
  } else if (options.raw !== undefined) {
    body = options.raw;
    if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** The client of one base URL. */
export const clientOf = (baseUrl: string) => ({
  get: (path: string, options?: CallOptions) => call(baseUrl, 'GET', path, options),
  post: (path: string, options?: CallOptions) => call(baseUrl, 'POST', path, options),
  put: (path: string, options?: CallOptions) => call(baseUrl, 'PUT', path, options),
});
