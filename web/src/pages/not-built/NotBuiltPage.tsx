import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import type { Section } from '../../app/sections';

/** The page of a section that does not exist yet: says so, shows nothing made up. */
export const NotBuiltPage = ({ section }: { section: Section }) => (
  <ContentLayout header={<Header variant="h1" description={section.purpose}>{section.title}</Header>}>
    <Container>
      <Box variant="p">{section.title} is not built yet.</Box>
    </Container>
  </ContentLayout>
);
