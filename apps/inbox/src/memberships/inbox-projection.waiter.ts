import { Injectable } from '@nestjs/common';
import { ServiceInfrastructure } from '@team-access/runtime';
import { INBOX_PROJECTION } from './memberships.read-models';

const READ_YOUR_WRITES_TIMEOUT_MS = 5_000;

/**
 * Lets a command reply only once its events are in the read models, so a client that lists
 * right after a write gets it (read-your-writes for the caller of that command).
 */
@Injectable()
export class InboxProjectionWaiter {
  constructor(private readonly infrastructure: ServiceInfrastructure) {}

  async waitFor(position: number | null): Promise<void> {
    if (position === null) {
      return;
    }
    await this.infrastructure.runner(INBOX_PROJECTION.name).waitForPosition(position, READ_YOUR_WRITES_TIMEOUT_MS);
  }
}
