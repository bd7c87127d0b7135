import { RatingTable } from './ratingTable.js';

/** Collects valid rows: drops unknown anime, numbers users by first appearance. Shared by both readers. */
export class RatingCollector {
  readonly table = new RatingTable();
  readonly userIds: number[] = [];
  droppedUnknownAnime = 0;
  private readonly ixByUserId = new Map<number, number>();

  constructor(private readonly ixByAnimeId: Map<number, number>) {}

  add(userId: number, animeId: number, score: number): void {
    const itemIx = this.ixByAnimeId.get(animeId);
    if (itemIx === undefined) {
      this.droppedUnknownAnime++;
      return;
    }
    let userIx = this.ixByUserId.get(userId);
    if (userIx === undefined) {
      userIx = this.userIds.length;
      this.ixByUserId.set(userId, userIx);
      this.userIds.push(userId);
    }
    this.table.push(userIx, itemIx, score);
  }
}
