import { describe, expect, it } from 'vitest';
import { bytesSource } from '../source.js';
import { readWindow } from './window.js';

describe('readWindow', () => {
  it('serves reads inside the window with file offsets, from a private copy', () => {
    const file = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const win = readWindow(bytesSource(file), 2, 6);
    expect(win.size).toBe(8);
    expect([...win.read(3, 2)]).toEqual([3, 4]);
    file[3] = 99;
    expect(win.read(3, 1)[0]).toBe(3);
  });

  it('throws RangeError outside the window', () => {
    const win = readWindow(bytesSource(new Uint8Array(8)), 2, 6);
    expect(() => win.read(1, 1)).toThrow(RangeError);
    expect(() => win.read(5, 2)).toThrow(RangeError);
  });
});
