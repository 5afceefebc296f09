import { RingSlots } from './ring-slots';

describe('RingSlots', () => {
  it('hands out slots in order, then the oldest one once full, and finds the i-th oldest', () => {
    const slots = new RingSlots(3, 'Test');
    expect([slots.claim(), slots.claim(), slots.claim()]).toEqual([0, 1, 2]);
    expect(slots.size).toBe(3);
    expect([slots.claim(), slots.claim()]).toEqual([0, 1]); // overwrites the two oldest
    expect([slots.slot(0), slots.slot(1), slots.slot(2)]).toEqual([2, 0, 1]);
  });

  it('drops from the oldest end and starts over when cleared', () => {
    const slots = new RingSlots(2, 'Test');
    slots.claim();
    slots.claim();
    expect(slots.dropOldest()).toBe(0);
    expect([slots.size, slots.slot(0)]).toEqual([1, 1]);
    expect(slots.claim()).toBe(0);
    slots.clear();
    expect([slots.size, slots.claim()]).toEqual([0, 0]);
  });

  it('rejects a capacity that is not a positive integer, naming its owner', () => {
    expect(() => new RingSlots(0, 'RingBuffer')).toThrow('RingBuffer capacity must be a positive integer, got 0');
    expect(() => new RingSlots(1.5, 'Ring')).toThrow(RangeError);
  });
});
