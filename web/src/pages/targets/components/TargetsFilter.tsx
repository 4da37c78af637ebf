import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import PropertyFilter, { type PropertyFilterProps } from '@cloudscape-design/components/property-filter';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { TargetFilter } from '../../../api/types';
import { filteringOptions, filteringProperties, type KnownTags } from '../filter';

const i18nStrings: PropertyFilterProps.I18nStrings = {
  dismissAriaLabel: 'Dismiss',
  clearFiltersText: 'Clear filters',
  groupValuesText: 'Values',
  groupPropertiesText: 'Properties',
  operatorsText: 'Operators',
  operationAndText: 'and',
  operationOrText: 'or',
  operatorLessText: 'Less than',
  operatorLessOrEqualText: 'Less than or equal',
  operatorGreaterText: 'Greater than',
  operatorGreaterOrEqualText: 'Greater than or equal',
  operatorContainsText: 'Contains',
  operatorDoesNotContainText: 'Does not contain',
  operatorEqualsText: 'Equals',
  operatorDoesNotEqualText: 'Does not equal',
  operatorStartsWithText: 'Starts with',
  operatorDoesNotStartWithText: 'Does not start with',
  editTokenHeader: 'Edit filter',
  propertyText: 'Property',
  operatorText: 'Operator',
  valueText: 'Value',
  cancelActionText: 'Cancel',
  applyActionText: 'Apply',
  allPropertiesLabel: 'All properties',
  tokenLimitShowMore: 'Show more',
  tokenLimitShowFewer: 'Show fewer',
  removeTokenButtonAriaLabel: (token) => `Remove filter ${token.propertyLabel} ${token.operator} ${token.value}`,
  enteredTextLabel: (text) => `Use: "${text}"`,
  tokenEditorTokenActionsAriaLabel: (token) => `Filter ${token.propertyLabel} ${token.operator} ${token.value} actions`,
  tokenEditorTokenRemoveAriaLabel: (token) => `Remove filter ${token.propertyLabel} ${token.operator} ${token.value}`,
  tokenEditorTokenRemoveLabel: 'Remove filter',
  tokenEditorTokenRemoveFromGroupLabel: 'Remove filter from group',
  tokenEditorAddNewTokenLabel: 'Add new filter',
  tokenEditorAddTokenActionsAriaLabel: 'Add filter actions',
  tokenEditorAddExistingTokenAriaLabel: (token) => `Add filter ${token.propertyLabel} ${token.operator} ${token.value} to group`,
  tokenEditorAddExistingTokenLabel: (token) => `Add filter ${token.propertyLabel} ${token.operator} ${token.value} to group`,
};

export interface SelectorProblem {
  message: string;
  /** The selector text sent, which the position counts in. */
  sent: string;
  /** Where the API stopped reading (0-based), when it said. */
  position: number | undefined;
}

/** The selector as sent, with the place the API pointed at underlined (the message names the same position). */
const PointedText = ({ text, position }: { text: string; position: number }) => (
  <Box variant="code" fontSize="body-s">
    Sent:{' '}
    <span data-testid="selector-error-excerpt">
      {text.slice(0, position)}
      <span style={{ textDecoration: 'underline wavy', textDecorationThickness: 2, fontWeight: 700 }}>
        {position < text.length ? text.charAt(position) : '⟨end⟩'}
      </span>
      {text.slice(position + 1)}
    </span>
  </Box>
);

const sentText = (filter: TargetFilter): string => {
  const parts = [
    filter.selector === undefined ? undefined : `selector ${filter.selector}`,
    filter.namePrefix === undefined ? undefined : `name prefix “${filter.namePrefix}”`,
    filter.protocol === undefined ? undefined : `protocol ${filter.protocol}`,
  ].filter((p) => p !== undefined);
  return parts.length === 0 ? 'Showing every target of the project.' : `Asking the API for: ${parts.join(' · ')}.`;
};

/**
 * Filtering the targets: a property filter over tag keys (seen in the targets loaded so far),
 * name prefix and protocol; and, for people who know the grammar, a selector typed by hand
 * (applied with Enter), whose syntax errors show under it with the position the API named.
 */
export const TargetsFilter = ({
  query,
  onQueryChange,
  typed,
  onTypedChange,
  applied,
  onApply,
  known,
  sent,
  problem,
  countText,
  loading,
}: {
  query: PropertyFilterProps.Query;
  onQueryChange: (query: PropertyFilterProps.Query) => void;
  /** The selector field as typed. */
  typed: string;
  onTypedChange: (text: string) => void;
  /** The selector text the list uses now (what Apply last took). */
  applied: string;
  onApply: (text: string) => void;
  known: KnownTags;
  sent: TargetFilter;
  problem: SelectorProblem | undefined;
  countText: string | undefined;
  loading: boolean;
}) => (
  <SpaceBetween size="s">
    <PropertyFilter
      query={query}
      onChange={(event) => {
        onQueryChange({ ...event.detail, operation: 'and' });
      }}
      filteringProperties={filteringProperties(known)}
      filteringOptions={filteringOptions(known)}
      customGroupsText={[{ group: 'tags', properties: 'Tags', values: 'Tag values' }]}
      disableFreeTextFiltering
      readOnlyOperations
      filteringAriaLabel="Filter targets by tags, name or protocol"
      filteringPlaceholder="Filter by tag (env = prod), Has tag, Target name or Target protocol"
      filteringEmpty="No tags on the targets loaded so far"
      i18nStrings={i18nStrings}
      {...(countText === undefined ? {} : { countText })}
      loading={loading}
      expandToViewport
    />
    <FormField
      label="Selector"
      description="Or write a selector, e.g. env=prod,role in (web,db),!decommissioned. It is added after the filters above (all must hold); press Enter to apply."
      errorText={
        problem === undefined ? undefined : (
          <SpaceBetween size="xxs">
            <span data-testid="selector-error">{problem.message}</span>
            {problem.position !== undefined && <PointedText text={problem.sent} position={problem.position} />}
          </SpaceBetween>
        )
      }
      constraintText={sentText(sent)}
      stretch
      secondaryControl={
        <SpaceBetween direction="horizontal" size="xs">
          <Button
            onClick={() => {
              onApply(typed);
            }}
            disabled={typed === applied}
          >
            Apply selector
          </Button>
          <Button
            onClick={() => {
              onTypedChange('');
              onApply('');
            }}
            disabled={typed === '' && applied === ''}
          >
            Clear
          </Button>
        </SpaceBetween>
      }
    >
      <Input
        value={typed}
        onChange={(event) => {
          onTypedChange(event.detail.value);
        }}
        onKeyDown={(event) => {
          if (event.detail.key === 'Enter') onApply(typed);
        }}
        placeholder="env=prod,role in (web,db)"
        spellcheck={false}
        autoComplete={false}
        invalid={problem !== undefined}
        type="search"
        clearAriaLabel="Clear the selector field"
        data-testid="selector-input"
      />
    </FormField>
  </SpaceBetween>
);
