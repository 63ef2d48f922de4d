// Per-app record of the emails the app would have sent (magic codes), fed by the server's `onEmail` hook.

import type { OutgoingEmail } from '../server/auth/email.js';

export type { OutgoingEmail };

export interface Mailbox {
  /** Every email sent by this app since it was created or last reset, oldest first. */
  readonly messages: readonly OutgoingEmail[];
  /** The emails sent to `email`, oldest first. */
  to(email: string): OutgoingEmail[];
  /** The magic code of the last email sent to `email`; throws when none was sent. */
  last(email: string): string;
  clear(): void;
}

export class AppMailbox implements Mailbox {
  private readonly sent: OutgoingEmail[] = [];

  get messages(): readonly OutgoingEmail[] {
    return this.sent;
  }

  deliver(email: OutgoingEmail): void {
    this.sent.push(email);
  }

  to(email: string): OutgoingEmail[] {
    // Instant stores emails as given but matches them case-insensitively; a test asks the way it sent.
    const wanted = email.toLowerCase();
    return this.sent.filter((m) => m.to.toLowerCase() === wanted);
  }

  last(email: string): string {
    const mine = this.to(email);
    if (mine.length === 0) {
      const others = [...new Set(this.sent.map((m) => m.to))];
      throw new Error(
        `mailbox.last(${JSON.stringify(email)}): no magic code was sent to ${email} by this test app` +
          (others.length ? ` (emails went to ${others.join(', ')})` : '') +
          '. Send one first: `db.auth.sendMagicCode(email)` (POST /admin/send_magic_code); `createMagicCode` sends no email.',
      );
    }
    return mine[mine.length - 1].code;
  }

  clear(): void {
    this.sent.length = 0;
  }
}
