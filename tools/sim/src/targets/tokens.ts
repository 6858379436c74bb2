import type { RequestAuth } from '../commands/api-request.js';
import type { TokenProvider } from './http-target.js';

export interface DataDirTokenOptions {
  /** Token lifetime (`12h`, `2d`); a national run over HTTP can take a while. Default `24h`. */
  readonly expiresIn?: string;
  /** Called when the data dir had no signing key yet and one was generated (the API must use the same dir). */
  readonly onKeyCreated?: (path: string) => void;
}

/**
 * Real tokens, signed with the data dir's key exactly as `npm run token` does, one per principal and
 * cached: the funder (`ocw`) and each school (`school` with its BRIN). The platform library is loaded
 * only here, so the store and NDJSON targets do not pay for it.
 */
export async function tokenProviderFromDataDir(dataDir: string, options: DataDirTokenOptions = {}): Promise<TokenProvider> {
  const platform = await import('@npo/platform');
  const key = await platform.loadOrCreateSigningKey(platform.signingKeyDir(dataDir));
  if (key.created) options.onKeyCreated?.(key.path);
  const service = new platform.TokenService(key);
  const cache = new Map<string, Promise<string>>();
  return (auth: RequestAuth) => {
    const cacheKey = auth.role === 'school' ? `school:${auth.brin}` : auth.role;
    let token = cache.get(cacheKey);
    if (token === undefined) {
      token = service.issueToken(auth.role === 'school' ? { role: 'school', brin: auth.brin } : { role: 'ocw' }, { expiresIn: options.expiresIn ?? '24h' });
      cache.set(cacheKey, token);
    }
    return token;
  };
}
