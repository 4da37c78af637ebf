import { randomBytes } from 'node:crypto';
import { fixedClock } from '../../../core/clock';
import { createIdGenerator, idPattern } from '../../../core/ids';

describe('sortable ids', () => {
  it('have a type prefix and the ULID alphabet', () => {
    const ids = createIdGenerator(fixedClock('2026-11-25T10:00:00Z'), randomBytes);

    const id = ids.next('prj');

    expect(id).toMatch(idPattern('prj'));
    expect(id.slice('prj_'.length)).not.toMatch(/[ILOU]/);
  });

  it('sort in creation order', () => {
    const clock = fixedClock('2026-11-25T10:00:00Z');
    const ids = createIdGenerator(clock, randomBytes);
    const made: string[] = [];
    for (let i = 0; i < 50; i++) {
      made.push(ids.next('prj'));
      clock.advance(1);
    }

    expect([...made].sort()).toEqual(made);
  });

  it('encode the time so the same instant and randomness give the same id', () => {
    const zeros = (n: number) => new Uint8Array(n);
    const a = createIdGenerator(fixedClock('2026-11-25T10:00:00Z'), zeros).next('prj');
    const b = createIdGenerator(fixedClock('2026-11-25T10:00:00Z'), zeros).next('prj');
    const c = createIdGenerator(fixedClock('2026-11-25T10:00:00.001Z'), zeros).next('prj');

    expect(a).toBe(b);
    expect(c > a).toBe(true);
    expect(a.endsWith('0000000000000000')).toBe(true);
  });
});
