import { assertAiSdkInstalled, MIN_AI_MAJOR } from './ai-peer';

describe('assertAiSdkInstalled', () => {
  afterEach(() => {
    jest.resetModules();
    jest.dontMock('ai/package.json');
  });

  it('passes with the installed ai', () => {
    expect(Number.parseInt(require('ai/package.json').version, 10)).toBeGreaterThanOrEqual(MIN_AI_MAJOR);
    expect(() => assertAiSdkInstalled()).not.toThrow();
  });

  it('refuses an ai older than its middleware specification, saying what to install', () => {
    jest.doMock('ai/package.json', () => ({ version: '5.0.9' }));
    jest.isolateModules(() => {
      const { assertAiSdkInstalled: check } = require('./ai-peer') as typeof import('./ai-peer');
      expect(() => check()).toThrow("nestjs-ai-cache/ai-sdk needs the AI SDK ('ai') 6 or newer, found 5.0.9: npm install ai@^6");
    });
  });
});
