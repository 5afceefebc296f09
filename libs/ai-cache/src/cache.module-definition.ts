import { ConfigurableModuleBuilder } from '@nestjs/common';
import type { CacheModuleOptions } from './interfaces/cache-module-options.interface';

/**
 * forRoot / forRootAsync come from ConfigurableModuleBuilder, as in @nestjs/cache-manager:
 * `useFactory`, `useClass` and `useExisting` (whose class implements `createCacheOptions()`),
 * plus the `isGlobal` extra, true by default so the service can be injected anywhere.
 */
export const {
  ConfigurableModuleClass,
  MODULE_OPTIONS_TOKEN: CACHE_MODULE_OPTIONS,
  OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<CacheModuleOptions>({ moduleName: 'AICache' })
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createCacheOptions')
  .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal !== false }))
  .build();
