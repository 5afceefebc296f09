import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

/** The request header that carries the key. */
export const ADMIN_API_KEY_HEADER = 'x-api-key';
/** The environment variable that holds the key; unset or empty disables the guarded endpoints. */
export const ADMIN_API_KEY_ENV = 'CACHE_ADMIN_API_KEY';

interface RequestWithHeaders {
  headers: Record<string, string | string[] | undefined>;
}

interface ResponseWithHeaders {
  setHeader(name: string, value: string): unknown;
}

/**
 * Guards the cache's administrative endpoints with the API key from `CACHE_ADMIN_API_KEY`:
 * 401 without the `x-api-key` header or with a wrong key, and 403 for everyone when no key is
 * configured (disabled, rather than open: an unset variable must never mean "no protection").
 */
@Injectable()
export class AdminApiKeyGuard implements CanActivate {
  private readonly expectedDigest?: Buffer;

  constructor(config: ConfigService) {
    const key = config.get<string>(ADMIN_API_KEY_ENV)?.trim();
    this.expectedDigest = key ? digest(key) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expectedDigest) {
      throw new ForbiddenException(`Cache administration is disabled: set ${ADMIN_API_KEY_ENV} to enable it`);
    }
    const http = context.switchToHttp();
    const given = http.getRequest<RequestWithHeaders>().headers[ADMIN_API_KEY_HEADER];
    // Comparing fixed-length digests keeps the comparison constant-time whatever the length given.
    if (typeof given === 'string' && given.length > 0 && timingSafeEqual(digest(given), this.expectedDigest)) return true;
    http.getResponse<ResponseWithHeaders>().setHeader('WWW-Authenticate', `ApiKey header="${ADMIN_API_KEY_HEADER}"`);
    throw new UnauthorizedException(typeof given === 'string' && given.length > 0 ? 'Invalid API key' : `Missing ${ADMIN_API_KEY_HEADER} header`);
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
