import { randomInt } from 'node:crypto';
import { REDACTION, StreamRedactor } from '../../../runner/executor/redactor';

/** Feeds `input` to a redactor in the given pieces and returns everything it emitted. */
const redactIn = (secrets: readonly string[], pieces: readonly Buffer[]): Buffer => {
  const redactor = new StreamRedactor(secrets);
  return Buffer.concat([...pieces.map((p) => redactor.push(p)), redactor.end()]);
};
const whole = (secrets: readonly string[], input: string | Buffer): Buffer => redactIn(secrets, [Buffer.from(input)]);
const splitAt = (input: Buffer, cuts: readonly number[]): Buffer[] => {
  const at = [0, ...[...cuts].sort((a, b) => a - b), input.length];
  return at.slice(1).map((end, i) => input.subarray(at[i], end));
};

describe('StreamRedactor', () => {
  it('replaces every occurrence of every secret', () => {
    expect(whole(['hunter2', 's3cr3t'], 'pw=hunter2 again hunter2; other=s3cr3t.').toString()).toBe(
      `pw=${REDACTION} again ${REDACTION}; other=${REDACTION}.`,
    );
  });

  it('passes output through unchanged, bytes and all, when there is nothing to redact', () => {
    const bytes = Buffer.from([0xff, 0x00, 0xe2, 0x9c, 0x93, 0x0a]);
    expect(redactIn([], [bytes.subarray(0, 3), bytes.subarray(3)])).toEqual(bytes);
    expect(redactIn(['', ''], [bytes])).toEqual(bytes);
    expect(whole(['absent'], bytes)).toEqual(bytes);
  });

  it('finds a secret split at every possible point, in two and in three pieces', () => {
    const secret = 'Sup3r-Secret!';
    const input = Buffer.from(`before ${secret} middle ${secret}${secret} after`);
    // Touching occurrences are two marks (only overlapping ones merge).
    const expected = `before ${REDACTION} middle ${REDACTION}${REDACTION} after`;
    for (let i = 0; i <= input.length; i += 1) {
      expect(redactIn([secret], splitAt(input, [i])).toString()).toBe(expected);
      for (let j = i; j <= input.length; j += 3) expect(redactIn([secret], splitAt(input, [i, j])).toString()).toBe(expected);
    }
  });

  it('survives one byte at a time', () => {
    const input = Buffer.from('a=topsecret b=topsecret');
    const pieces = [...input].map((b) => Buffer.from([b]));
    expect(redactIn(['topsecret'], pieces).toString()).toBe(`a=${REDACTION} b=${REDACTION}`);
  });

  it('holds back no more than the longest secret minus one byte', () => {
    const redactor = new StreamRedactor(['abcdef']);
    expect(redactor.push(Buffer.from('0123456789')).toString()).toBe('01234');
    expect(redactor.push(Buffer.from('abc')).toString()).toBe('567');
    // The mark goes out as soon as the secret is complete.
    expect(redactor.push(Buffer.from('def!')).toString()).toBe(`89${REDACTION}`);
    expect(redactor.end().toString()).toBe('!');
  });

  it('covers overlapping secrets with one mark, so no part of either shows', () => {
    expect(whole(['abcd', 'cdef'], 'xabcdefx').toString()).toBe(`x${REDACTION}x`);
    expect(whole(['aa'], 'baaaab').toString()).toBe(`b${REDACTION}b`);
    expect(whole(['key'], 'keykey').toString()).toBe(REDACTION + REDACTION);
    // A short secret inside a long one.
    expect(whole(['pass', 'password123'], '[password123] [pass]').toString()).toBe(`[${REDACTION}] [${REDACTION}]`);
  });

  it('matches secrets as UTF-8 bytes, also when a multi-byte character is cut', () => {
    const secret = 'clé✓secrète';
    const input = Buffer.from(`→ ${secret} ←`);
    for (let i = 0; i <= input.length; i += 1) {
      expect(redactIn([secret], splitAt(input, [i])).toString('utf8')).toBe(`→ ${REDACTION} ←`);
    }
  });

  it('gives the same result however the stream is split (random inputs over a small alphabet)', () => {
    const alphabet = 'abc';
    const word = (min: number, max: number) => Array.from({ length: randomInt(min, max + 1) }, () => alphabet[randomInt(alphabet.length)]).join('');
    for (let round = 0; round < 300; round += 1) {
      const secrets = Array.from({ length: randomInt(1, 4) }, () => word(2, 5));
      const input = Buffer.from(word(0, 60));
      const reference = whole(secrets, input);
      const cuts = Array.from({ length: randomInt(0, 6) }, () => randomInt(0, input.length + 1));
      const streamed = redactIn(secrets, splitAt(input, cuts));
      expect({ secrets, input: input.toString(), cuts, out: streamed.toString() }).toEqual({ secrets, input: input.toString(), cuts, out: reference.toString() });
      // Nothing of any secret is left once the marks are taken out: every occurrence was covered.
      for (const secret of secrets) expect(reference.toString().split(REDACTION).some((part) => part.includes(secret))).toBe(false);
    }
  });
});
