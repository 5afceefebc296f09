import { Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModuleRef } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper';
import type { Module } from '@nestjs/core/injector/module';
import { AIResponseCacheService } from '../ai-response-cache.service';
import { CacheCalls } from '../calls/cache-calls';
import type { CachedAIResponseMetadata } from './cached-ai-response.decorator';
import { CachedAIResponseMetadataAccessor } from './cached-ai-response.metadata-accessor';
import { type CachedMethodPlan, planCachedMethod } from './cached-method.plan';
import { type CachedMethodRuntime, createCachedMethod } from './cached-method.wrapper';

type AnyMethod = (this: unknown, ...args: unknown[]) => unknown;
type MethodName = string | symbol;

interface DecoratedMethod {
  name: MethodName;
  method: AnyMethod;
  metadata: CachedAIResponseMetadata;
}

/** Functions this library installed, so that an instance is never wrapped twice. */
const installedWrappers = new WeakSet<Function>();
/** Providers already warned about (shared by every CacheModule's explorer: one warning, not one per module). */
const warnedProviders = new WeakSet<object>();

/** Resolves, in a given module, the AIResponseCacheService that Nest would inject there. */
@Injectable()
class CacheVisibilityProbe {
  constructor(@Optional() readonly cache?: AIResponseCacheService) {}
}

/**
 * Wraps the `@CachedAIResponse()` methods of every provider, at module init, with this
 * CacheModule's AIResponseCacheService (as @nestjs/schedule's explorer registers `@Cron()` methods).
 *
 * Which cache a method uses: the one its class would get by injecting AIResponseCacheService. So
 * with a global CacheModule every provider uses it, and a feature module that imports its own
 * `CacheModule.forRoot({ isGlobal: false, namespace })` gets that one for its providers: each
 * CacheModule's explorer wraps exactly the methods whose module resolves to its own service.
 *
 * Request-scoped (and durable) providers are skipped with a warning: their instances are created
 * per request, after this runs. Transient providers are wrapped in each of their instances.
 */
@Injectable()
export class CachedAIResponseExplorer implements OnModuleInit {
  private readonly logger = new Logger('AICache');
  private readonly runtime: CachedMethodRuntime;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly metadata: CachedAIResponseMetadataAccessor,
    private readonly cache: AIResponseCacheService,
    calls: CacheCalls,
  ) {
    this.runtime = { calls };
  }

  async onModuleInit(): Promise<void> {
    const cacheByModule = new Map<Module, Promise<AIResponseCacheService | undefined>>();
    for (const wrapper of this.discovery.getProviders()) {
      await this.explore(wrapper, cacheByModule);
    }
    for (const wrapper of this.discovery.getControllers()) this.warnAboutController(wrapper);
  }

  private async explore(
    wrapper: InstanceWrapper,
    cacheByModule: Map<Module, Promise<AIResponseCacheService | undefined>>,
  ): Promise<void> {
    const prototype = prototypeOf(wrapper);
    if (!prototype) return;
    const decorated = this.decoratedMethods(prototype);
    if (decorated.length === 0) return;
    const className = (prototype.constructor as { name?: string } | undefined)?.name || String(wrapper.name);

    // Validate first, whoever owns the method: a bad operation fails bootstrap even in a module with no cache.
    const plans = decorated.map(({ name, method, metadata }) => {
      const plan = planCachedMethod(metadata, className, method, Reflect.getMetadata('design:returntype', prototype, name));
      if (plan.synchronousType && this.warnOnce(method)) {
        this.logger.warn(
          `${plan.where} is declared to return ${plan.synchronousType}: cached, it returns a Promise of it (a hit may come from Redis). Declare it async.`,
        );
      }
      return plan;
    });

    if (!wrapper.isDependencyTreeStatic()) {
      if (this.warnOnce(wrapper)) {
        this.logger.warn(
          `${className} is request-scoped (or depends on a request-scoped provider): @CachedAIResponse() on ` +
            `${namesOf(decorated)} is not applied, these methods run uncached. ` +
            'Put cached methods on a singleton provider (per-request controls such as the tenant go through AICacheContext).',
        );
      }
      return;
    }

    const host = wrapper.host;
    if (!host) return;
    if (!cacheByModule.has(host)) cacheByModule.set(host, this.cacheSeenBy(host));
    const cache = await cacheByModule.get(host);
    if (cache === undefined) {
      if (this.warnOnce(wrapper)) {
        this.logger.warn(
          `${className} cannot inject AIResponseCacheService (its module ${host.metatype?.name} does not see a CacheModule): ` +
            `@CachedAIResponse() on ${namesOf(decorated)} is not applied.`,
        );
      }
      return;
    }
    if (cache !== this.cache) return; // Another CacheModule's explorer owns this provider.

    for (const instance of instancesOf(wrapper)) {
      decorated.forEach(({ name, method }, index) => this.install(instance, name, method, plans[index]));
    }
  }

  private decoratedMethods(prototype: object): DecoratedMethod[] {
    const found: DecoratedMethod[] = [];
    // MetadataScanner lists string names only: symbol-named methods are looked up too, so that they
    // are cached (or fail bootstrap without an operation) rather than silently left uncached.
    for (const name of [...this.scanner.getAllMethodNames(prototype), ...symbolMethodNames(prototype)]) {
      const method = (prototype as Record<string | symbol, unknown>)[name];
      const metadata = this.metadata.getMetadata(method);
      if (metadata) found.push({ name, method: method as AnyMethod, metadata });
    }
    return found;
  }

  /** The AIResponseCacheService that a provider of `host` would get injected, if any. */
  private async cacheSeenBy(host: Module): Promise<AIResponseCacheService | undefined> {
    const moduleRef = host.getProviderByKey(ModuleRef)?.instance as ModuleRef | undefined;
    if (!moduleRef) return undefined;
    return (await moduleRef.create(CacheVisibilityProbe)).cache;
  }

  private install(instance: object, name: MethodName, method: AnyMethod, plan: CachedMethodPlan): void {
    const current = (instance as Record<MethodName, unknown>)[name];
    // Already ours (the same object registered twice, e.g. through useExisting), or replaced by
    // someone else since the class was defined: leave it alone.
    if (current !== method || installedWrappers.has(current as Function)) return;
    const cached = createCachedMethod(method, plan, this.runtime);
    Object.defineProperty(cached, 'name', { value: method.name, configurable: true });
    Object.defineProperty(cached, 'length', { value: method.length, configurable: true });
    // Other explorers (@nestjs/schedule, event emitters…) read their metadata from instance[name].
    for (const key of Reflect.getMetadataKeys(method)) {
      Reflect.defineMetadata(key, Reflect.getMetadata(key, method), cached);
    }
    installedWrappers.add(cached);
    Object.defineProperty(instance, name, { value: cached, writable: true, configurable: true, enumerable: false });
  }

  private warnAboutController(wrapper: InstanceWrapper): void {
    const prototype = prototypeOf(wrapper);
    if (!prototype) return;
    const decorated = this.decoratedMethods(prototype);
    if (decorated.length > 0 && this.warnOnce(wrapper)) {
      const className = (prototype.constructor as { name?: string } | undefined)?.name;
      this.logger.warn(
        `@CachedAIResponse() on controller ${className} (${namesOf(decorated)}) is ignored: ` +
          'route handlers are bound before module init. Put it on the service method that calls the model.',
      );
    }
  }

  private warnOnce(subject: object): boolean {
    if (warnedProviders.has(subject)) return false;
    warnedProviders.add(subject);
    return true;
  }
}

/** The class prototype of a provider: from its class, or (factory / value providers) from its instance. */
function prototypeOf(wrapper: InstanceWrapper): object | undefined {
  const { metatype, inject, instance } = wrapper;
  if (typeof metatype === 'function' && !inject && metatype.prototype) return metatype.prototype as object;
  if (instance && typeof instance === 'object') {
    const prototype = Object.getPrototypeOf(instance) as object | null;
    if (prototype && prototype !== Object.prototype) return prototype;
  }
  return undefined;
}

/** The instances to wrap: the singleton, or every instance of a transient provider. */
function instancesOf(wrapper: InstanceWrapper): object[] {
  if (wrapper.isTransient) {
    return wrapper
      .getStaticTransientInstances()
      .map((perContext) => perContext?.instance as unknown)
      .filter((instance): instance is object => typeof instance === 'object' && instance !== null);
  }
  const instance = wrapper.instance as unknown;
  return typeof instance === 'object' && instance !== null ? [instance] : [];
}

/** Symbol-keyed methods along the prototype chain (the nearest definition of each symbol wins). */
function symbolMethodNames(prototype: object): symbol[] {
  const names = new Set<symbol>();
  for (let current: object | null = prototype; current && current !== Object.prototype; current = Object.getPrototypeOf(current)) {
    for (const symbol of Object.getOwnPropertySymbols(current)) {
      const descriptor = Object.getOwnPropertyDescriptor(current, symbol);
      if (descriptor && typeof descriptor.value === 'function') names.add(symbol);
    }
  }
  return [...names];
}

function namesOf(decorated: DecoratedMethod[]): string {
  return decorated.map((d) => String(d.name)).join(', ');
}
