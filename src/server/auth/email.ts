// The emails an app would send. Nothing is emailed locally: a server started with `onEmail` hands them to
// that hook (the test kit's mailbox), otherwise the code goes to the server log.

/** One email the app would have sent. */
export interface OutgoingEmail {
  kind: 'magic-code';
  appId: string;
  to: string;
  subject: string;
  text: string;
  /** The magic code the email carries. */
  code: string;
}

export type EmailHook = (email: OutgoingEmail) => void;

/**
 * Instant's default magic-code email (runtime/magic_code_auth.clj `default-email-params`); apps have no
 * title locally, so the app id stands in for it.
 */
export function magicCodeEmail(appId: string, to: string, code: string, expiryMinutes: number): OutgoingEmail {
  const title = `app ${appId}`;
  return {
    kind: 'magic-code',
    appId,
    to,
    subject: `${code} is your verification code for ${title}`,
    text: `Welcome to ${title}. Your verification code is ${code}. It expires in ${friendlyExpiry(expiryMinutes)}.`,
    code,
  };
}

function friendlyExpiry(minutes: number): string {
  if (minutes % 60 !== 0) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = minutes / 60;
  return `${hours} hour${hours === 1 ? '' : 's'}`;
}
