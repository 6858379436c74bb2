import { isUtf8 } from 'node:buffer';
import { type FastifyRequest } from 'fastify';

/** How a Fastify body parser answers (fastify's own type is not exported from its entry point). */
type ParserDone = (error: Error | null, body?: unknown) => void;
import { HttpMappedError } from '../errors/http-mapped-error.js';
import { problems } from '../errors/problem.js';

/** 415 for a body the parsers would misread rather than refuse. */
export class UnsupportedBodyEncodingError extends HttpMappedError {
  constructor(code: 'UNSUPPORTED_CONTENT_ENCODING' | 'UNSUPPORTED_CHARSET', detail: string, headers?: Record<string, string>) {
    super(code, { ...problems.unsupportedMediaType(detail), ...(headers ? { headers } : {}) });
  }
}

const hasBody = (request: FastifyRequest): boolean => {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length.trim() !== '0');
};

const isJson = (mediaType: string): boolean => mediaType === 'application/json' || mediaType.endsWith('+json');

/** Labels clients send for UTF-8, and ASCII, whose bytes read the same as UTF-8. */
const UTF8_COMPATIBLE = new Set(['utf-8', 'utf8', 'us-ascii', 'ascii']);

/** The charset parameter of a Content-Type, lower case and unquoted; undefined when absent. */
function charsetOf(contentType: string): string | undefined {
  for (const parameter of contentType.split(';').slice(1)) {
    const at = parameter.indexOf('=');
    if (at < 0 || parameter.slice(0, at).trim().toLowerCase() !== 'charset') continue;
    return parameter
      .slice(at + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return undefined;
}

/**
 * Fastify `preParsing` hook. No parser here decodes a content coding, and the JSON parser reads
 * bytes as UTF-8 whatever charset is claimed; left alone, a gzipped body fails as "not valid JSON"
 * (400, wrongly blaming the client's JSON) and a UTF-16 one is silently mis-decoded. Both are 415:
 * RFC 7694 for the coding (with `Accept-Encoding: identity`), RFC 8259 8.1 (JSON is UTF-8) for the
 * charset. A bodiless request is not checked: there is nothing to misread.
 */
export function checkBodyEncoding(request: FastifyRequest): void {
  if (!hasBody(request)) return;
  const coding = request.headers['content-encoding'];
  if (coding !== undefined && coding.split(',').some((c) => c.trim() !== '' && c.trim().toLowerCase() !== 'identity')) {
    throw new UnsupportedBodyEncodingError(
      'UNSUPPORTED_CONTENT_ENCODING',
      `Content-Encoding ${JSON.stringify(coding)} is not supported; send the body uncompressed.`,
      { 'Accept-Encoding': 'identity' },
    );
  }
  const contentType = request.headers['content-type'];
  if (contentType === undefined) return;
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  const charset = charsetOf(contentType);
  if (isJson(mediaType) && charset !== undefined && !UTF8_COMPATIBLE.has(charset)) {
    throw new UnsupportedBodyEncodingError('UNSUPPORTED_CHARSET', `charset ${JSON.stringify(charset)} is not accepted: JSON bodies are utf-8.`);
  }
}

/** 400 for a JSON body that cannot be read as it is: bytes that are not UTF-8, or keys that would reach prototypes. */
export class MalformedBodyError extends HttpMappedError {
  constructor(code: 'BODY_NOT_UTF8' | 'BODY_PROTOTYPE_KEY', detail: string) {
    super(code, problems.malformed(detail));
  }
}

/**
 * Fastify's JSON parser, fed the raw bytes instead of Fastify's string. That string is decoded with
 * replacement: a Latin-1 "café" became "caf\uFFFD" and was recorded for good in an immutable event. And
 * a body refused for a `__proto__` or `constructor.prototype` key is said to be that, not "not valid JSON".
 */
type CallbackParser<Body> = (request: FastifyRequest, body: Body, done: ParserDone) => void;

export function strictJsonParser(parseJson: CallbackParser<string>): CallbackParser<Buffer> {
  return (request, body, done) => {
    if (!isUtf8(body)) {
      done(new MalformedBodyError('BODY_NOT_UTF8', 'The request body is not valid UTF-8 (JSON must be; RFC 8259 8.1). Nothing was recorded.'), undefined);
      return;
    }
    const text = body.toString('utf8');
    parseJson(request, text, (error, value) => {
      if (error !== null && isPlainJson(text)) {
        done(new MalformedBodyError('BODY_PROTOTYPE_KEY', 'The request body has a "__proto__" or "constructor.prototype" key, which is refused.'), undefined);
        return;
      }
      done(error, value);
    });
  };
}

const isPlainJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return text.trim() !== '';
  } catch {
    return false;
  }
};
