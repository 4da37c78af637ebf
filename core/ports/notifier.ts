/**
 * How notifications leave: mail (SMTP or an outbox folder locally, SES on AWS) and HTTP POSTs
 * (signed webhooks, Slack). Core decides what to send and when to retry; these only carry it.
 */
export interface MailMessage {
  to: readonly string[];
  subject: string;
  text: string;
}

export interface MailTransport {
  /**
   * Answers where the message went (an SMTP message id, an .eml path, an SES message id); throws
   * when it could not be handed over, with `permanent: true` on the error when a retry cannot help.
   */
  send(message: MailMessage): Promise<{ reference: string }>;
}

export interface HttpPostResult {
  status: number;
}

export interface HttpPoster {
  /** Answers the status of any HTTP answer; throws only when there was none (network error, timeout). */
  post(url: string, body: string, headers: Readonly<Record<string, string>>, timeoutMs: number): Promise<HttpPostResult>;
}
