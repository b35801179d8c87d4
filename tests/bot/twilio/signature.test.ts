import fc from 'fast-check';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { computeTwilioSignature, constantTimeEqual, urlVariants, verifyTwilioSignature } from '../../../src/bot/twilio/signature';

const token = 'test-token';
const url = 'https://mimamori.test/webhooks/twilio/voice?s=6f0c1f0e-6a0b-4c51-9a43-0c0f0b1f0a11&n=2';

describe('Twilio signature (Web Crypto)', () => {
  it('matches the twilio package for Japanese bodies, repeated names and query strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,11}$/), fc.oneof(fc.string(), fc.constantFrom('はい', '37度5分', '＋８１'))),
        async (params) => {
          const ours = await computeTwilioSignature(token, url, params);
          expect(ours).toBe(twilio.getExpectedTwilioSignature(token, url, params));
          expect(twilio.validateRequest(token, ours, url, params)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('accepts the signature Twilio computed, rejects a wrong token, URL or parameter', async () => {
    const params = { MessageSid: 'SM1', From: '+819012345678', Body: '37.5' };
    const header = twilio.getExpectedTwilioSignature(token, url, params);
    expect(await verifyTwilioSignature(token, url, params, header)).toBe(true);
    expect(await verifyTwilioSignature('other', url, params, header)).toBe(false);
    expect(await verifyTwilioSignature(token, url.replace('n=2', 'n=3'), params, header)).toBe(false);
    expect(await verifyTwilioSignature(token, url, { ...params, Body: '38.5' }, header)).toBe(false);
    expect(await verifyTwilioSignature(token, url, params, '')).toBe(false);
    expect(await verifyTwilioSignature(token, url, params, null)).toBe(false);
  });

  it('accepts a signature over the URL with the default port, like validateRequest', async () => {
    const params = { CallSid: 'CA1' };
    const withPort = 'https://mimamori.test:443/webhooks/twilio/voice';
    const header = twilio.getExpectedTwilioSignature(token, withPort, params);
    expect(await verifyTwilioSignature(token, 'https://mimamori.test/webhooks/twilio/voice', params, header)).toBe(true);
    expect(urlVariants('http://a.test:80/x')).toEqual(['http://a.test:80/x', 'http://a.test/x']);
  });

  it('compares in constant time over the whole string', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});
