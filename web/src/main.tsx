import '@cloudscape-design/global-styles/index.css';
import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { loadConfig } from './app/config';
import { messageOf } from './api/errors';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');
const root = createRoot(container);

loadConfig().then(
  (config) => {
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    );
  },
  (e: unknown) => {
    root.render(
      <main>
        <Box padding="xxl">
          <Alert type="error" header="OpsConductor could not start">
            {messageOf(e)}
          </Alert>
        </Box>
      </main>,
    );
  },
);
