import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import { followLink } from '../../app/router';

export const NotFoundPage = ({ pathname }: { pathname: string }) => (
  <ContentLayout header={<Header variant="h1">Page not found</Header>}>
    <Container>
      <Box variant="p">
        There is no page at <Box variant="code">{pathname}</Box>.{' '}
        <Link href="/projects" onFollow={followLink}>
          Go to Projects
        </Link>
      </Box>
    </Container>
  </ContentLayout>
);
