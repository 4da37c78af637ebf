import { SettingsInput } from '../../../core/users/schema';
import { getSettings, updateSettings, type UserDeps } from '../../../core/users/service';
import { apiHandler, json, operation, type HttpDeps } from '../http';

/** Installation-wide settings; today whether MFA is optional or required for everyone. */
export const makeSettingsHandler = (deps: Pick<UserDeps, 'directory' | 'bus'> & HttpDeps) =>
  apiHandler(
    'settings',
    {
      getSettings: operation({ handle: async () => json(await getSettings(deps)) }),
      updateSettings: operation({
        body: SettingsInput,
        handle: async ({ body, principal }) => json(await updateSettings(deps, principal, body)),
      }),
    },
    deps,
  );
