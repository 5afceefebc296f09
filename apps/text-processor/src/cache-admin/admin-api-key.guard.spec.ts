import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { AdminApiKeyGuard } from './admin-api-key.guard';

function contextWith(headers: Record<string, string | string[] | undefined>) {
  const responseHeaders: Record<string, string> = {};
  const context = {
    switchToHttp: () => ({
      getRequest: () => ({ headers }),
      getResponse: () => ({ setHeader: (name: string, value: string) => (responseHeaders[name] = value) }),
    }),
  } as unknown as ExecutionContext;
  return { context, responseHeaders };
}

const guardWith = (key: string | undefined) => new AdminApiKeyGuard(new ConfigService(key === undefined ? {} : { CACHE_ADMIN_API_KEY: key }));

describe('AdminApiKeyGuard', () => {
  // ConfigService prefers process.env over the values given here: keep the machine's out of the way.
  const saved = process.env.CACHE_ADMIN_API_KEY;
  beforeEach(() => delete process.env.CACHE_ADMIN_API_KEY);
  afterAll(() => {
    if (saved !== undefined) process.env.CACHE_ADMIN_API_KEY = saved;
  });

  it('lets the configured key through', () => {
    expect(guardWith('s3cret-key').canActivate(contextWith({ 'x-api-key': 's3cret-key' }).context)).toBe(true);
  });

  it('answers 401 with WWW-Authenticate for a missing, empty, repeated or wrong key', () => {
    const guard = guardWith('s3cret-key');
    for (const given of [undefined, '', ['s3cret-key', 's3cret-key'], 'wrong', 's3cret-key ', 's3cret-ke']) {
      const { context, responseHeaders } = contextWith({ 'x-api-key': given });
      expect(() => guard.canActivate(context)).toThrow(UnauthorizedException);
      expect(responseHeaders['WWW-Authenticate']).toBe('ApiKey header="x-api-key"');
    }
    expect(() => guard.canActivate(contextWith({}).context)).toThrow('Missing x-api-key header');
    expect(() => guard.canActivate(contextWith({ 'x-api-key': 'wrong' }).context)).toThrow('Invalid API key');
  });

  it('is disabled (403 for everyone) when no key, or only blanks, is configured', () => {
    for (const key of [undefined, '', '   ']) {
      const guard = guardWith(key);
      expect(() => guard.canActivate(contextWith({ 'x-api-key': '' }).context)).toThrow(ForbiddenException);
      expect(() => guard.canActivate(contextWith({ 'x-api-key': key ?? 'x' }).context)).toThrow(
        'Cache administration is disabled: set CACHE_ADMIN_API_KEY to enable it',
      );
    }
  });
});
