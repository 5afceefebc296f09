import { CacheKeyBuilder } from './cache-key.builder';
import { DIGEST, keyOf, readableKeys, tiers } from './keys.spec-support';

describe('key preview (through CacheKeyBuilder)', () => {
  describe('user text', () => {
    const marker = 'ZEBRA_MARKER_7731';

    it('never appears in keys by default', () => {
      for (const text of [marker, `${marker} ${'x'.repeat(5000)}`]) {
        const key = keyOf({ text, operation: 'qa', question: marker, options: { marker } }, marker);
        expect(key).not.toContain(marker);
        expect(key).not.toContain('ZEBRA');
      }
    });

    it('appears as an escaped preview of short texts with readableKeys', () => {
      const { key } = readableKeys.build({ text: 'Hi: *what* [is] a?b\\c', operation: 'qa' });
      expect(key).toMatch(new RegExp(`^ai:qa:Hi%3A%20%2Awhat%2A%20%5Bis%5D%20a%3Fb%5Cc\\.${DIGEST}$`));
    });

    it('escapes non-ASCII text as UTF-8 bytes and lone surrogates as %uXXXX', () => {
      expect(readableKeys.build({ text: 'é中😀', operation: 'qa' }).key).toMatch(/^ai:qa:%C3%A9%E4%B8%AD%F0%9F%98%80\./);
      expect(readableKeys.build({ text: 'a\ud800b', operation: 'qa' }).key).toMatch(/^ai:qa:a%uD800b\./);
    });

    it('keeps only the first 32 characters, without splitting a surrogate pair', () => {
      const text = `${'a'.repeat(31)}😀tail`;
      const { key } = readableKeys.build({ text, operation: 'qa' });
      expect(key).toMatch(new RegExp(`^ai:qa:${'a'.repeat(31)}\\.${DIGEST}$`));
      expect(readableKeys.build({ text: 'b'.repeat(40), operation: 'qa' }).key).toMatch(new RegExp(`^ai:qa:${'b'.repeat(32)}\\.`));
    });

    it('shows no preview for texts longer than textHashThreshold', () => {
      const short = new CacheKeyBuilder({ textHashThreshold: 10, textSizeTiers: tiers, readableKeys: true });
      expect(short.build({ text: 'x'.repeat(10), operation: 'qa' }).key).toMatch(new RegExp(`^ai:qa:x{10}\\.${DIGEST}$`));
      expect(short.build({ text: 'x'.repeat(11), operation: 'qa' }).key).toMatch(new RegExp(`^ai:qa:${DIGEST}$`));
    });

    it('keeps readable keys distinct for texts with the same preview', () => {
      const a = readableKeys.build({ text: `${'p'.repeat(32)}A`, operation: 'qa' }).key;
      const b = readableKeys.build({ text: `${'p'.repeat(32)}B`, operation: 'qa' }).key;
      expect(a).not.toBe(b);
    });

    it('never puts a colon or a glob character in a preview', () => {
      const text = ':*?[]\\.^-_ \t\n';
      const { key } = readableKeys.build({ text, operation: 'qa' });
      const preview = key.slice('ai:qa:'.length, key.lastIndexOf('.'));
      expect(preview).toMatch(/^[A-Za-z0-9_%-]*$/);
      expect(preview).toContain('-_');
    });
  });
});
