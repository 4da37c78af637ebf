import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import type { ReactNode } from 'react';
import type { LineStore, OutputLine } from '../output';
import { OutputView } from './OutputView';

/** The output container: title, line count, streaming or complete, read errors, the windowed lines. */
export const OutputPanel = (props: {
  title: string;
  label: string;
  store: LineStore;
  pending: OutputLine[];
  version: number;
  complete: boolean;
  error: string | undefined;
  actions: ReactNode;
}) => {
  const { store } = props;
  return (
    <Container
      header={
        <Header
          variant="h2"
          description={`${store.lines.length.toLocaleString()} lines${store.dropped > 0 ? ` (the first ${store.dropped.toLocaleString()} are not shown)` : ''}`}
          info={props.complete ? <StatusIndicator type="success">complete</StatusIndicator> : <StatusIndicator type="loading">streaming</StatusIndicator>}
          actions={props.actions}
        >
          {props.title}
        </Header>
      }
    >
      <SpaceBetween size="s">
        {props.error !== undefined && (
          <Alert type="warning" header="The output could not be read">
            {props.error} Trying again…
          </Alert>
        )}
        <OutputView lines={store.lines} pending={props.pending} version={props.version} label={props.label} />
        <Box variant="small">Standard error is shown in red.</Box>
      </SpaceBetween>
    </Container>
  );
};
