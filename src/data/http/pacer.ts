/**
 * At most `limit` requests in any `windowMs` (AniList: 90 a minute), shared by every caller of one API in
 * the process, so the list import and the season sync together stay inside the limit. Slots are reserved
 * arithmetically (first come, first served) rather than by polling the clock, so a test's instant `sleep`
 * cannot make it spin, and concurrent callers never take the same slot.
 */
export class RequestPacer {
  private readonly slots: number[] = [];

  constructor(private limit: number, private readonly windowMs: number) {}

  /** Reserves the next request's slot; returns how many ms from `now` it starts (0: at once). */
  reserve(now: number): number {
    let at = Math.max(now, this.slots.at(-1) ?? 0);
    if (this.slots.length >= this.limit) at = Math.max(at, this.slots[this.slots.length - this.limit]! + this.windowMs);
    this.slots.push(at);
    if (this.slots.length > 2 * this.limit) this.slots.splice(0, this.slots.length - this.limit);
    return at - now;
  }

  /** The API announced a lower limit (X-RateLimit-Limit; AniList has run below its documented 90). */
  lowerLimit(limit: number): void {
    if (Number.isInteger(limit) && limit >= 1 && limit < this.limit) this.limit = limit;
  }

  get perWindow(): number {
    return this.limit;
  }
}
