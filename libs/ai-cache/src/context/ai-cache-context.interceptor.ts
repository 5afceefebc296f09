import {
  BadRequestException,
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  Optional,
} from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import { AICacheContext, type AICacheControls, type AICacheOutcome, assertValidTenant, currentContextFrame } from './ai-cache.context';
import { cacheControlsFromHeaders } from './cache-control.parser';

/** Injection token of AICacheContextInterceptorOptions (optional). */
export const AI_CACHE_INTERCEPTOR_OPTIONS = Symbol('AI_CACHE_INTERCEPTOR_OPTIONS');

/** A minimal view of Express and Fastify requests. */
interface HttpRequestLike {
  headers?: Record<string, string | string[] | undefined>;
}

export interface AICacheContextInterceptorOptions {
  /**
   * Where the tenant comes from: a request header name (default `'x-tenant'`), a function of the
   * request (e.g. the authenticated user's organisation: prefer it whenever clients are not
   * trusted to pick their tenant), or `false` for none.
   */
  tenant?: string | false | ((request: any) => string | undefined);
  /** Honour `Cache-Control: no-cache / no-store / max-age=0` from clients. Default true. */
  cacheControl?: boolean;
  /** Response header set to `HIT` or `MISS` (not set when no cached method was called). Default `'X-Cache'`; false for none. */
  statusHeader?: string | false;
}

/**
 * Runs each HTTP request inside an AICacheContext built from its headers, and reports the outcome:
 *
 * - `Cache-Control: no-cache` (or `max-age=0`) → noCache: the model is called, the answer still cached;
 * - `Cache-Control: no-store` → noStore: a cached answer may be served, nothing new is cached;
 * - `X-Tenant: <id>` → tenant: hashed into every key, so tenants never share answers (400 if invalid);
 * - response `X-Cache: HIT` when every `@CachedAIResponse()` call of the request was answered
 *   without running the method (from the cache, or by an identical call in flight), `MISS` otherwise.
 *
 * `app.useGlobalInterceptors(new AICacheContextInterceptor())`, `{ provide: APP_INTERCEPTOR,
 * useClass: AICacheContextInterceptor }` or `@UseInterceptors(AICacheContextInterceptor)`.
 * Non-HTTP contexts pass through untouched.
 */
@Injectable()
export class AICacheContextInterceptor implements NestInterceptor {
  private readonly options: AICacheContextInterceptorOptions;

  constructor(@Optional() @Inject(AI_CACHE_INTERCEPTOR_OPTIONS) options?: AICacheContextInterceptorOptions) {
    this.options = options ?? {};
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequestLike>();
    const response = http.getResponse<unknown>();
    const controls = this.controlsFrom(request);

    // Subscribing inside run() puts the handler, and everything it awaits, in the context.
    return new Observable((subscriber) =>
      AICacheContext.run(controls, () => {
        const outcome = currentContextFrame()!.outcome;
        return next
          .handle()
          .pipe(tap(() => this.reportOutcome(response, outcome)))
          .subscribe(subscriber);
      }),
    );
  }

  private controlsFrom(request: HttpRequestLike): AICacheControls {
    const headers = request.headers ?? {};
    const controls: AICacheControls =
      this.options.cacheControl === false ? {} : cacheControlsFromHeaders(headers['cache-control'], headers.pragma);
    const tenant = this.tenantOf(request, headers);
    if (tenant !== undefined) {
      try {
        assertValidTenant(tenant);
      } catch (error) {
        // The client's mistake, not the server's: a 400 that says what a tenant may be.
        throw new BadRequestException((error as Error).message.replace('AICacheContext: ', ''));
      }
      controls.tenant = tenant;
    }
    return controls;
  }

  private tenantOf(request: HttpRequestLike, headers: Record<string, string | string[] | undefined>): unknown {
    const source = this.options.tenant ?? 'x-tenant';
    if (source === false) return undefined;
    if (typeof source === 'function') return source(request);
    const value = headers[source.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  private reportOutcome(response: unknown, outcome: AICacheOutcome): void {
    const header = this.options.statusHeader ?? 'X-Cache';
    if (header === false) return;
    const answered = outcome.hits + outcome.coalesced + outcome.stale + outcome.semantic;
    if (outcome.misses === 0 && answered === 0) return;
    // The weakest answer the request got: one model call makes it a MISS, one stale answer STALE.
    const value = outcome.misses > 0 ? 'MISS' : outcome.stale > 0 ? 'STALE' : outcome.semantic > 0 ? 'SEMANTIC-HIT' : 'HIT';
    setHeader(response, header, value);
  }
}

/** Express (`setHeader`, unless already sent) and Fastify (`header`). */
function setHeader(response: unknown, name: string, value: string): void {
  const target = response as { headersSent?: boolean; sent?: boolean; setHeader?: Function; header?: Function };
  if (target.headersSent || target.sent === true) return;
  if (typeof target.setHeader === 'function') target.setHeader(name, value);
  else if (typeof target.header === 'function') target.header(name, value);
}
