import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import CopyToClipboard from '@cloudscape-design/components/copy-to-clipboard';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { toDataURL } from 'qrcode';
import { useEffect, useId, useState } from 'react';

export const ISSUER = 'OpsConductor';

/** The key URI authenticator apps read from a QR code (Google's Key URI format). */
export const otpauthUri = (username: string, secret: string): string =>
  `otpauth://totp/${encodeURIComponent(ISSUER)}:${encodeURIComponent(username)}?secret=${encodeURIComponent(secret)}&issuer=${encodeURIComponent(ISSUER)}`;

/** Base32 in groups of four, as authenticator apps show and accept it (spaces are ignored). */
const grouped = (secret: string): string => secret.replace(/(.{4})(?=.)/g, '$1 ');

export const isTotpCode = (code: string): boolean => /^[0-9]{6}$/.test(code);

/**
 * Setting up an authenticator app: the QR code of the key, the key as text for apps that cannot
 * scan, and the field for the first code. The key exists only in the state of the step showing it.
 */
export const TotpSetup = ({
  username,
  secret,
  code,
  onCodeChange,
  codeError,
}: {
  username: string;
  secret: string;
  code: string;
  onCodeChange: (code: string) => void;
  codeError: string | undefined;
}) => {
  const [qr, setQr] = useState<{ secret: string; url: string } | { secret: string; error: true } | undefined>(undefined);
  const keyLabelId = useId();

  useEffect(() => {
    let live = true;
    toDataURL(otpauthUri(username, secret), { errorCorrectionLevel: 'M', margin: 2, width: 200 }).then(
      (url) => {
        if (live) setQr({ secret, url });
      },
      () => {
        if (live) setQr({ secret, error: true });
      },
    );
    return () => {
      live = false;
    };
  }, [username, secret]);

  const current = qr?.secret === secret ? qr : undefined;

  return (
    <SpaceBetween size="l">
      <Box variant="p">
        1. Open an authenticator app (such as Google Authenticator, Microsoft Authenticator or 1Password) and scan this QR code.
      </Box>
      <div style={{ width: 200, height: 200 }}>
        {current === undefined && <Spinner size="big" />}
        {current !== undefined && 'url' in current && (
          <img src={current.url} width={200} height={200} alt={`QR code that adds ${ISSUER} (${username}) to an authenticator app`} />
        )}
        {current !== undefined && 'error' in current && (
          <Alert type="warning">The QR code could not be drawn. Enter the key below in your app instead.</Alert>
        )}
      </div>
      <div>
        <Box variant="p">2. If you cannot scan it, enter this key in the app instead (time-based, 6 digits):</Box>
        <div role="group" aria-labelledby={keyLabelId}>
          <div id={keyLabelId}>
            <Box variant="awsui-key-label">Authenticator key</Box>
          </div>
          <SpaceBetween direction="horizontal" size="xs" alignItems="center">
            <Box variant="code" fontSize="body-m">
              <span data-testid="totp-secret">{grouped(secret)}</span>
            </Box>
            <CopyToClipboard
              variant="icon"
              copyButtonAriaLabel="Copy authenticator key"
              textToCopy={secret}
              copySuccessText="Key copied"
              copyErrorText="The key could not be copied"
            />
          </SpaceBetween>
        </div>
      </div>
      <FormField label="Code from the app" errorText={codeError} description="3. Enter the 6-digit code the app shows for OpsConductor.">
        <Input
          value={code}
          onChange={(event) => {
            onCodeChange(event.detail.value.replace(/\s+/g, ''));
          }}
          inputMode="numeric"
          autoComplete="one-time-code"
          ariaRequired
          invalid={codeError !== undefined}
        />
      </FormField>
    </SpaceBetween>
  );
};
