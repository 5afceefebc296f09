import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DASHBOARD_SESSION_COOKIE, readCookie } from './dashboard-session';
import { ADMIN_API_KEY_ENV, ADMIN_API_KEY_HEADER, OperatorCredentials } from './operator-credentials';

/**
 * - `metrics`: `GET /metrics`. The metrics token or the admin key, as `Authorization: Bearer` or
 *   `x-api-key`; open while neither is set.
 * - `read`: stats, snapshots, dashboard. The admin key (`x-api-key` or `Authorization: Bearer`) or a
 *   dashboard session cookie; open while no admin key is set.
 * - `admin`: invalidation. The admin key in `x-api-key` only (never a cookie: a page on another site
 *   could make a browser send one); disabled (403) while no admin key is set.
 */
export type OperatorAccessLevel = 'metrics' | 'read' | 'admin';

const OPERATOR_ACCESS = 'cache-admin:operator-access';
const BEARER = /^Bearer +(\S+) *$/i;

/** Guards a controller or route with the given access level. */
export const OperatorAccess = (level: OperatorAccessLevel) => applyDecorators(SetMetadata(OPERATOR_ACCESS, level), UseGuards(OperatorAccessGuard));

interface OperatorRequest {
  headers: Record<string, string | string[] | undefined>;
}

interface OperatorResponse {
  setHeader(name: string, value: string): unknown;
}

/** What a request presents: each credential as a single string, or undefined. */
function presented(request: OperatorRequest) {
  const single = (value: string | string[] | undefined) => (typeof value === 'string' && value.length > 0 ? value : undefined);
  const authorization = single(request.headers.authorization);
  return {
    apiKey: single(request.headers[ADMIN_API_KEY_HEADER]),
    bearer: authorization ? BEARER.exec(authorization)?.[1] : undefined,
    authorization,
    session: readCookie(request.headers.cookie, DASHBOARD_SESSION_COOKIE),
  };
}

/** The one guard of the operator endpoints; every comparison goes through OperatorSecret (constant-time). */
@Injectable()
export class OperatorAccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly credentials: OperatorCredentials,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    // A route without a level gets the strictest one.
    const level = this.reflector.getAllAndOverride<OperatorAccessLevel>(OPERATOR_ACCESS, [context.getHandler(), context.getClass()]) ?? 'admin';
    const http = context.switchToHttp();
    const given = presented(http.getRequest<OperatorRequest>());
    const response = http.getResponse<OperatorResponse>();
    const { admin, metrics, sessions } = this.credentials;

    if (level === 'admin') {
      if (!admin.configured) throw new ForbiddenException(`Cache administration is disabled: set ${ADMIN_API_KEY_ENV} to enable it`);
      if (admin.matches(given.apiKey)) return true;
      response.setHeader('WWW-Authenticate', `ApiKey header="${ADMIN_API_KEY_HEADER}"`);
      throw new UnauthorizedException(given.apiKey ? 'Invalid API key' : `Missing ${ADMIN_API_KEY_HEADER} header`);
    }
    if (level === 'read') {
      if (!admin.configured) return true;
      if (admin.matches(given.apiKey) || admin.matches(given.bearer) || sessions?.verify(given.session)) return true;
      response.setHeader('WWW-Authenticate', 'Bearer realm="cache-admin"');
      throw this.unauthorized(given, 'the admin key');
    }
    if (!metrics.configured && !admin.configured) return true;
    for (const token of [given.bearer, given.apiKey]) if (metrics.matches(token) || admin.matches(token)) return true;
    response.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
    throw this.unauthorized(given, metrics.configured ? 'the metrics token' : 'the admin key');
  }

  private unauthorized(given: ReturnType<typeof presented>, what: string): UnauthorizedException {
    const sentSomething = given.apiKey || given.authorization || given.session;
    return new UnauthorizedException(sentSomething ? 'Invalid credentials' : `Missing credentials: send ${what} as Authorization: Bearer or ${ADMIN_API_KEY_HEADER}`);
  }
}
