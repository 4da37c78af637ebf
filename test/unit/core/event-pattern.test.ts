import { compilePattern, matchesPattern, validatePattern, type EventPattern } from '../../../core/events/pattern';

/**
 * Cases come from the EventBridge user guide ("Amazon EventBridge event patterns", "Content filtering in Amazon
 * EventBridge event patterns", "Arrays in event patterns", "null values and empty strings", "comparison operators"),
 * each operator with events it must match and events it must not.
 */

interface MatchCase {
  name: string;
  pattern: EventPattern;
  event: unknown;
  expected: boolean;
}

interface InvalidCase {
  name: string;
  pattern: unknown;
  path: string;
  message: RegExp;
}

/** A full event envelope, as the bus delivers it, around the given detail. */
const envelope = (detail: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail,
  ...overrides,
});

/** Numbers as they arrive on the wire, so that 300.0 and 3e2 are written as the guide writes them. */
const fromJson = (text: string): unknown => JSON.parse(text) as unknown;

const at = (detail: Record<string, unknown>): Record<string, unknown> => envelope(detail);

// The event the "event patterns" page filters.
const ec2Event = envelope({ 'instance-id': 'i-1234567890abcdef0', state: 'terminated' });

// The event the content-filtering examples are written against.
const contentEvent = envelope(
  {
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.33',
    'instance-id': 'i-000000aaaaaa00000',
    state: 'running',
  },
  { time: '2017-10-02T16:24:49Z', region: 'us-east-1' },
);

const ec2TerminationPattern: EventPattern = {
  source: ['aws.ec2'],
  'detail-type': ['EC2 Instance State-change Notification'],
  detail: { state: ['terminated'] },
};

const complexPattern: EventPattern = {
  time: [{ prefix: '2017-10-02' }],
  detail: {
    state: [{ 'anything-but': 'initializing' }],
    'c-count': [{ numeric: ['>', 0, '<=', 5] }],
    'd-count': [{ numeric: ['<', 10] }],
    'x-limit': [{ 'anything-but': [100, 200, 300] }],
    'source-ip': [{ cidr: '10.0.0.0/8' }],
  },
};

const cloudWatchOr: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [{ metricName: ['CPUUtilization', 'ReadLatency'] }, { namespace: ['AWS/EC2', 'AWS/ES'] }],
};

const nestedOr: EventPattern = {
  source: ['aws.cloudwatch'],
  $or: [
    { metricName: ['CPUUtilization', 'ReadLatency'] },
    { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
    { scope: ['Service'] },
  ],
};

// A user that is not a deployment role, or no user at all.
const notDeployUser: EventPattern = {
  $or: [{ detail: { user: [{ 'anything-but': { wildcard: 'cdk-*' } }] } }, { detail: { user: [{ exists: false }] } }],
};

const cloudWatch = (fields: Record<string, unknown>): Record<string, unknown> => ({
  ...envelope({}),
  source: 'aws.cloudwatch',
  ...fields,
});

const matchTables: Record<string, MatchCase[]> = {
  'exact values and structure': [
    {
      name: 'EC2 termination example matches its event',
      pattern: ec2TerminationPattern,
      event: ec2Event,
      expected: true,
    },
    {
      name: 'EC2 termination example rejects another state',
      pattern: ec2TerminationPattern,
      event: envelope({ state: 'running' }),
      expected: false,
    },
    {
      name: 'EC2 termination example rejects another source',
      pattern: ec2TerminationPattern,
      event: { ...ec2Event, source: 'aws.autoscaling' },
      expected: false,
    },
    {
      name: 'a list of values is an OR',
      pattern: { detail: { state: ['initializing', 'running', 'terminated'] } },
      event: ec2Event,
      expected: true,
    },
    {
      name: 'a list of values matches none of the others',
      pattern: { detail: { state: ['initializing', 'running'] } },
      event: ec2Event,
      expected: false,
    },
    {
      name: 'string match is case-sensitive',
      pattern: { detail: { state: ['Terminated'] } },
      event: ec2Event,
      expected: false,
    },
    {
      name: 'fields absent from the pattern are ignored',
      pattern: { region: ['us-west-1'] },
      event: ec2Event,
      expected: true,
    },
    {
      name: 'a pattern field the event lacks does not match',
      pattern: { detail: { 'c-count': [5] } },
      event: ec2Event,
      expected: false,
    },
    {
      name: 'a nested pattern whose intermediate is missing does not match',
      pattern: { detail: { instance: { id: ['i-1234567890abcdef0'] } } },
      event: ec2Event,
      expected: false,
    },
    {
      name: 'a nested pattern against a scalar does not match',
      pattern: { detail: { state: { name: ['terminated'] } } },
      event: ec2Event,
      expected: false,
    },
    {
      name: 'a value list against an object does not match',
      pattern: { detail: ['terminated'] },
      event: ec2Event,
      expected: false,
    },
    {
      name: 'event array matches when any element matches (resources)',
      pattern: {
        resources: [
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          'arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0',
        ],
      },
      event: ec2Event,
      expected: true,
    },
    {
      name: 'event array matches nothing when no element matches',
      pattern: {
        resources: [
          'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        ],
      },
      event: envelope({}, { resources: ['arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b'] }),
      expected: false,
    },
    {
      name: 'an empty event array holds no value, not even null',
      pattern: { resources: [null] },
      event: envelope({}, { resources: [] }),
      expected: false,
    },
    {
      name: 'a number matches the same number written 300.0',
      pattern: { detail: { 'x-limit': [300] } },
      event: fromJson('{"detail": {"x-limit": 300.0}}'),
      expected: true,
    },
    {
      name: 'a number matches the same number written 3e2',
      pattern: { detail: { 'x-limit': [300] } },
      event: fromJson('{"detail": {"x-limit": 3e2}}'),
      expected: true,
    },
    {
      name: 'a number does not match its string',
      pattern: { detail: { 'x-limit': [300] } },
      event: at({ 'x-limit': '300' }),
      expected: false,
    },
    {
      name: 'a string does not match the number it spells',
      pattern: { detail: { 'x-limit': ['300'] } },
      event: at({ 'x-limit': 300 }),
      expected: false,
    },
    {
      name: 'numbers compare at six decimals: 5 matches 5.0000000001',
      pattern: { detail: { 'x-limit': [5] } },
      event: at({ 'x-limit': 5.0000000001 }),
      expected: true,
    },
    {
      name: 'numbers compare at six decimals: 5 does not match 5.000001',
      pattern: { detail: { 'x-limit': [5] } },
      event: at({ 'x-limit': 5.000001 }),
      expected: false,
    },
    {
      name: 'numbers beyond the numeric limits still match exactly (account ids)',
      pattern: { detail: { owner: [123456789012] } },
      event: at({ owner: 123456789012 }),
      expected: true,
    },
    {
      name: 'numbers beyond the numeric limits must be equal',
      pattern: { detail: { owner: [123456789012] } },
      event: at({ owner: 123456789013 }),
      expected: false,
    },
    {
      name: 'true matches true',
      pattern: { detail: { enabled: [true] } },
      event: at({ enabled: true }),
      expected: true,
    },
    {
      name: 'true does not match the string "true"',
      pattern: { detail: { enabled: [true] } },
      event: at({ enabled: 'true' }),
      expected: false,
    },
    {
      name: 'false does not match null',
      pattern: { detail: { enabled: [false] } },
      event: at({ enabled: null }),
      expected: false,
    },
    {
      name: 'empty string matches an empty string',
      pattern: { detail: { eventVersion: [''] } },
      event: at({ eventVersion: '', responseElements: null }),
      expected: true,
    },
    {
      name: 'null matches null',
      pattern: { detail: { responseElements: [null] } },
      event: at({ eventVersion: '', responseElements: null }),
      expected: true,
    },
    {
      name: 'empty string does not match null',
      pattern: { detail: { responseElements: [''] } },
      event: at({ eventVersion: '', responseElements: null }),
      expected: false,
    },
    {
      name: 'null does not match an empty string',
      pattern: { detail: { eventVersion: [null] } },
      event: at({ eventVersion: '', responseElements: null }),
      expected: false,
    },
    {
      name: 'null does not match an absent field',
      pattern: { detail: { responseElements: [null] } },
      event: at({}),
      expected: false,
    },
    {
      name: 'a nested rule holds within one element of an array of objects',
      pattern: { detail: { items: { name: ['b'], size: [2] } } },
      event: at({ items: [{ name: 'a', size: 1 }, { name: 'b', size: 2 }] }),
      expected: true,
    },
    {
      name: 'fields matched in different array elements do not combine',
      pattern: { detail: { items: { name: ['a'], size: [2] } } },
      event: at({ items: [{ name: 'a', size: 1 }, { name: 'b', size: 2 }] }),
      expected: false,
    },
    {
      name: 'an event that is not an object matches nothing',
      pattern: { source: ['aws.ec2'] },
      event: 'aws.ec2',
      expected: false,
    },
    {
      name: 'an event that is not an object matches not even an absence',
      pattern: { detail: { state: [{ exists: false }] } },
      event: ['not', 'an', 'event'],
      expected: false,
    },
    { name: 'a null event matches nothing', pattern: { source: ['aws.ec2'] }, event: null, expected: false },
  ],

  prefix: [
    {
      name: 'time starts with the date',
      pattern: { time: [{ prefix: '2017-10-02' }] },
      event: contentEvent,
      expected: true,
    },
    { name: 'time on another day', pattern: { time: [{ prefix: '2017-10-02' }] }, event: ec2Event, expected: false },
    {
      name: 'European regions (Auto Scaling example)',
      pattern: { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
      event: envelope({}, { source: 'aws.autoscaling', region: 'eu-west-1' }),
      expected: true,
    },
    {
      name: 'a US region is not European',
      pattern: { source: ['aws.autoscaling'], region: [{ prefix: 'eu-' }] },
      event: envelope({}, { source: 'aws.autoscaling', region: 'us-east-1' }),
      expected: false,
    },
    { name: 'prefix is case-sensitive', pattern: { region: [{ prefix: 'US-' }] }, event: ec2Event, expected: false },
    {
      name: 'prefix only works on strings',
      pattern: { detail: { code: [{ prefix: '20' }] } },
      event: at({ code: 2017 }),
      expected: false,
    },
    {
      name: 'an empty prefix matches any string',
      pattern: { detail: { state: [{ prefix: '' }] } },
      event: ec2Event,
      expected: true,
    },
    {
      name: 'prefix ignoring case: eventbridge',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      event: at({ service: 'eventbridge' }),
      expected: true,
    },
    {
      name: 'prefix ignoring case: EVENTBRIDGE',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      event: at({ service: 'EVENTBRIDGE' }),
      expected: true,
    },
    {
      name: 'prefix ignoring case still anchors at the start',
      pattern: { detail: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] } },
      event: at({ service: 'Amazon EventBridge' }),
      expected: false,
    },
  ],

  suffix: [
    {
      name: 'file ends in .png',
      pattern: { detail: { FileName: [{ suffix: '.png' }] } },
      event: at({ FileName: 'image.png' }),
      expected: true,
    },
    {
      name: 'suffix is case-sensitive',
      pattern: { detail: { FileName: [{ suffix: '.png' }] } },
      event: at({ FileName: 'image.PNG' }),
      expected: false,
    },
    {
      name: 'suffix must be at the end',
      pattern: { detail: { FileName: [{ suffix: '.png' }] } },
      event: at({ FileName: 'image.png.bak' }),
      expected: false,
    },
    { name: 'source ends in ec2', pattern: { source: [{ suffix: 'ec2' }] }, event: ec2Event, expected: true },
    {
      name: 'suffix ignoring case: .PNG',
      pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      event: at({ FileName: 'IMAGE.PNG' }),
      expected: true,
    },
    {
      name: 'suffix ignoring case rejects another extension',
      pattern: { detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } },
      event: at({ FileName: 'image.jpg' }),
      expected: false,
    },
    {
      name: 'suffix only works on strings',
      pattern: { detail: { 'c-count': [{ suffix: '5' }] } },
      event: contentEvent,
      expected: false,
    },
  ],

  'equals-ignore-case': [
    {
      name: 'alice matches Alice',
      pattern: { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
      event: at({ Name: 'Alice' }),
      expected: true,
    },
    {
      name: 'alice matches ALICE',
      pattern: { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
      event: at({ Name: 'ALICE' }),
      expected: true,
    },
    {
      name: 'alice does not match Alicia',
      pattern: { detail: { Name: [{ 'equals-ignore-case': 'alice' }] } },
      event: at({ Name: 'Alicia' }),
      expected: false,
    },
    {
      name: 'equals-ignore-case only works on strings',
      pattern: { detail: { Name: [{ 'equals-ignore-case': '5' }] } },
      event: at({ Name: 5 }),
      expected: false,
    },
    {
      name: 'an empty string matches an empty string',
      pattern: { detail: { Name: [{ 'equals-ignore-case': '' }] } },
      event: at({ Name: '' }),
      expected: true,
    },
    {
      name: 'source EC2 matches aws.ec2 only whole',
      pattern: { source: [{ 'equals-ignore-case': 'EC2' }] },
      event: ec2Event,
      expected: false,
    },
  ],

  'anything-but': [
    {
      name: 'a single string: another value matches',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: contentEvent,
      expected: true,
    },
    {
      name: 'a single string: that value does not match',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: at({ state: 'initializing' }),
      expected: false,
    },
    {
      name: 'a single string: null is something other',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: at({ state: null }),
      expected: true,
    },
    {
      name: 'a single string: an absent field does not match',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: at({}),
      expected: false,
    },
    {
      name: 'a single string is case-sensitive',
      pattern: { detail: { state: [{ 'anything-but': 'initializing' }] } },
      event: at({ state: 'INITIALIZING' }),
      expected: true,
    },
    {
      name: 'a single number: another number matches',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      event: contentEvent,
      expected: true,
    },
    {
      name: 'a single number: that number does not match',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      event: at({ 'x-limit': 123 }),
      expected: false,
    },
    {
      name: 'a single number: its string is something other',
      pattern: { detail: { 'x-limit': [{ 'anything-but': 123 }] } },
      event: at({ 'x-limit': '123' }),
      expected: true,
    },
    {
      name: 'a list of strings: a listed value does not match',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: at({ state: 'stopped' }),
      expected: false,
    },
    {
      name: 'a list of strings: an unlisted value matches',
      pattern: { detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } },
      event: at({ state: 'running' }),
      expected: true,
    },
    {
      name: 'a list of numbers: a listed value does not match',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: at({ 'x-limit': 200 }),
      expected: false,
    },
    {
      name: 'a list of numbers: a listed value written 300.0 does not match',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: fromJson('{"detail": {"x-limit": 300.0}}'),
      expected: false,
    },
    {
      name: 'a list of numbers: a value equal at six decimals does not match',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: at({ 'x-limit': 200.0000000001 }),
      expected: false,
    },
    {
      name: 'a list of numbers: an unlisted value matches',
      pattern: { detail: { 'x-limit': [{ 'anything-but': [100, 200, 300] }] } },
      event: contentEvent,
      expected: true,
    },
    {
      name: 'all events but CloudTrail API calls: another type matches',
      pattern: { 'detail-type': [{ 'anything-but': 'AWS API Call via CloudTrail' }] },
      event: ec2Event,
      expected: true,
    },
    {
      name: 'all events but EC2 and S3: EC2 does not match',
      pattern: { source: [{ 'anything-but': ['aws.ec2', 'aws.s3'] }] },
      event: ec2Event,
      expected: false,
    },
    {
      name: 'an array event field matches when some element is not excluded',
      pattern: { detail: { state: [{ 'anything-but': 'stopped' }] } },
      event: at({ state: ['stopped', 'running'] }),
      expected: true,
    },
    {
      name: 'an array event field of excluded values does not match',
      pattern: { detail: { state: [{ 'anything-but': 'stopped' }] } },
      event: at({ state: ['stopped'] }),
      expected: false,
    },
    {
      name: 'prefix: a value with the prefix does not match',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: at({ state: 'initializing' }),
      expected: false,
    },
    {
      name: 'prefix: a value without the prefix matches',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: contentEvent,
      expected: true,
    },
    {
      name: 'prefix: a number has no prefix, so it matches',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: at({ state: 12 }),
      expected: true,
    },
    {
      name: 'prefix: an absent field does not match',
      pattern: { detail: { state: [{ 'anything-but': { prefix: 'init' } }] } },
      event: at({}),
      expected: false,
    },
    {
      name: 'prefix: only our own events, not aws.*',
      pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] },
      event: envelope({}, { source: 'com.mycompany.myapp' }),
      expected: true,
    },
    {
      name: 'prefix: an AWS event is excluded',
      pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] },
      event: ec2Event,
      expected: false,
    },
    {
      name: 'a list of prefixes: none applies',
      pattern: { detail: { state: [{ 'anything-but': { prefix: ['init', 'test'] } }] } },
      event: at({ state: 'post-init' }),
      expected: true,
    },
    {
      name: 'a list of prefixes: one applies',
      pattern: { detail: { state: [{ 'anything-but': { prefix: ['init', 'test'] } }] } },
      event: at({ state: 'testing' }),
      expected: false,
    },
    {
      name: 'suffix: a .png file is excluded',
      pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
      event: at({ FileName: 'image.png' }),
      expected: false,
    },
    {
      name: 'suffix: a .jpg file matches',
      pattern: { detail: { FileName: [{ 'anything-but': { suffix: '.png' } }] } },
      event: at({ FileName: 'image.jpg' }),
      expected: true,
    },
    {
      name: 'a list of suffixes: one applies',
      pattern: { detail: { FileName: [{ 'anything-but': { suffix: ['.png', '.jpg'] } }] } },
      event: at({ FileName: 'image.jpg' }),
      expected: false,
    },
    {
      name: 'ignoring case: INITIALIZING is excluded',
      pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
      event: at({ state: 'INITIALIZING' }),
      expected: false,
    },
    {
      name: 'ignoring case: another value matches',
      pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] } },
      event: contentEvent,
      expected: true,
    },
    {
      name: 'ignoring case, a list: Stopped is excluded',
      pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['stopped', 'overloaded'] } }] } },
      event: at({ state: 'Stopped' }),
      expected: false,
    },
    {
      name: 'wildcard: a path under /lib/ is excluded',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
      event: at({ FilePath: '/usr/lib/node' }),
      expected: false,
    },
    {
      name: 'wildcard: a path elsewhere matches',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/*' } }] } },
      event: at({ FilePath: '/usr/bin/node' }),
      expected: true,
    },
    {
      name: 'wildcard: a number matches no wildcard, so it matches',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/dir/*' } }] } },
      event: at({ FilePath: 123 }),
      expected: true,
    },
    {
      name: 'a list of wildcards: one applies',
      pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: ['*/lib/*', '*/bin/*'] } }] } },
      event: at({ FilePath: '/usr/bin/node' }),
      expected: false,
    },
  ],

  numeric: [
    {
      name: 'the guide example: all three ranges hold',
      pattern: {
        detail: {
          'c-count': [{ numeric: ['>', 0, '<=', 5] }],
          'd-count': [{ numeric: ['<', 10] }],
          'x-limit': [{ numeric: ['=', 3.018e2] }],
        },
      },
      event: contentEvent,
      expected: true,
    },
    {
      name: '> 0 excludes 0',
      pattern: { detail: { n: [{ numeric: ['>', 0, '<=', 5] }] } },
      event: at({ n: 0 }),
      expected: false,
    },
    {
      name: '<= 5 includes 5',
      pattern: { detail: { n: [{ numeric: ['>', 0, '<=', 5] }] } },
      event: at({ n: 5 }),
      expected: true,
    },
    {
      name: '<= 5 excludes 5.5',
      pattern: { detail: { n: [{ numeric: ['>', 0, '<=', 5] }] } },
      event: at({ n: 5.5 }),
      expected: false,
    },
    {
      name: '>= 0 includes 0',
      pattern: { detail: { n: [{ numeric: ['>=', 0, '<', 5] }] } },
      event: at({ n: 0 }),
      expected: true,
    },
    {
      name: '< 5 excludes 5',
      pattern: { detail: { n: [{ numeric: ['>=', 0, '<', 5] }] } },
      event: at({ n: 5 }),
      expected: false,
    },
    {
      name: '< 10 includes 9.999999',
      pattern: { detail: { n: [{ numeric: ['<', 10] }] } },
      event: at({ n: 9.999999 }),
      expected: true,
    },
    {
      name: '<= 10 includes 10',
      pattern: { detail: { n: [{ numeric: ['<=', 10] }] } },
      event: at({ n: 10 }),
      expected: true,
    },
    {
      name: '>= 10 excludes 9',
      pattern: { detail: { n: [{ numeric: ['>=', 10] }] } },
      event: at({ n: 9 }),
      expected: false,
    },
    {
      name: '= 300 matches 3e2',
      pattern: { detail: { n: [{ numeric: ['=', 300] }] } },
      event: fromJson('{"detail": {"n": 3e2}}'),
      expected: true,
    },
    {
      name: '= 300 excludes 300.5',
      pattern: { detail: { n: [{ numeric: ['=', 300] }] } },
      event: at({ n: 300.5 }),
      expected: false,
    },
    {
      name: 'a negative range',
      pattern: { detail: { n: [{ numeric: ['>', -10, '<', -5] }] } },
      event: at({ n: -7 }),
      expected: true,
    },
    {
      name: 'numeric only works on numbers, not numeric strings',
      pattern: { detail: { n: [{ numeric: ['<', 10] }] } },
      event: at({ n: '3' }),
      expected: false,
    },
    {
      name: 'numeric does not match null',
      pattern: { detail: { n: [{ numeric: ['<', 10] }] } },
      event: at({ n: null }),
      expected: false,
    },
    {
      name: 'numeric does not match an absent field',
      pattern: { detail: { n: [{ numeric: ['<', 10] }] } },
      event: at({}),
      expected: false,
    },
    {
      name: 'an array field matches when some element is in range',
      pattern: { detail: { n: [{ numeric: ['<', 10] }] } },
      event: at({ n: [20, 5] }),
      expected: true,
    },
    {
      name: 'precision is six decimals: 0.0000001 is not above 0',
      pattern: { detail: { n: [{ numeric: ['>', 0] }] } },
      event: at({ n: 0.0000001 }),
      expected: false,
    },
    {
      name: 'precision is six decimals: 0.000001 is above 0',
      pattern: { detail: { n: [{ numeric: ['>', 0] }] } },
      event: at({ n: 0.000001 }),
      expected: true,
    },
    {
      name: 'precision is six decimals, truncated: -4899999999.9999995 equals -4.9e9',
      pattern: { detail: { n: [{ numeric: ['=', -4.9e9] }] } },
      event: fromJson('{"detail": {"n": -4899999999.9999995}}'),
      expected: true,
    },
    {
      name: 'the limit 5e9 itself is in range',
      pattern: { detail: { n: [{ numeric: ['>=', 5e9] }] } },
      event: at({ n: 5e9 }),
      expected: true,
    },
    {
      name: 'event values beyond 5e9 take no numeric comparison',
      pattern: { detail: { n: [{ numeric: ['>', 0] }] } },
      event: at({ n: 6e9 }),
      expected: false,
    },
  ],

  exists: [
    {
      name: 'true: the field is present',
      pattern: { detail: { state: [{ exists: true }] } },
      event: envelope({ 'instance-id': 'i-abcd1111', state: 'pending' }),
      expected: true,
    },
    {
      name: 'true: the field is missing',
      pattern: { detail: { state: [{ exists: true }] } },
      event: at({ 'c-count': { c1: 100 } }),
      expected: false,
    },
    {
      name: 'true: null is a value',
      pattern: { detail: { state: [{ exists: true }] } },
      event: at({ state: null }),
      expected: true,
    },
    {
      name: 'true: an object is not a leaf',
      pattern: { detail: { 'c-count': [{ exists: true }] } },
      event: at({ 'c-count': { c1: 100 } }),
      expected: false,
    },
    {
      name: 'true: an empty array holds no value',
      pattern: { detail: { tags: [{ exists: true }] } },
      event: at({ tags: [] }),
      expected: false,
    },
    {
      name: 'false: the field is missing',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: envelope({ state: ['initializing', 'running'] }),
      expected: true,
    },
    {
      name: 'false: the field is present',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: contentEvent,
      expected: false,
    },
    {
      name: 'false: c-count holding an object is not a leaf node',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: envelope({ state: ['initializing', 'running'], 'c-count': { c1: 100 } }),
      expected: true,
    },
    {
      name: 'false: a missing intermediate means the leaf is missing',
      pattern: { detail: { level1: { 'level2:': { level3: { level4: [{ exists: false }] } } } } },
      event: at({ level1: { level2: 'l2 value' } }),
      expected: true,
    },
    {
      name: 'false: a deep leaf that is present',
      pattern: { detail: { level1: { level2: { level3: { level4: [{ exists: false }] } } } } },
      event: at({ level1: { level2: { level3: { level4: 'l4 value' } } } }),
      expected: false,
    },
    {
      name: 'false: the detail object itself is missing',
      pattern: { detail: { 'c-count': [{ exists: false }] } },
      event: { source: 'aws.ec2' },
      expected: true,
    },
    {
      name: 'false: an empty array holds no value',
      pattern: { detail: { tags: [{ exists: false }] } },
      event: at({ tags: [] }),
      expected: true,
    },
    {
      name: 'false OR a value: absent',
      pattern: { detail: { state: [{ exists: false }, 'stopped'] } },
      event: at({}),
      expected: true,
    },
    {
      name: 'false OR a value: that value',
      pattern: { detail: { state: [{ exists: false }, 'stopped'] } },
      event: at({ state: 'stopped' }),
      expected: true,
    },
    {
      name: 'false OR a value: another value',
      pattern: { detail: { state: [{ exists: false }, 'stopped'] } },
      event: at({ state: 'running' }),
      expected: false,
    },
  ],

  cidr: [
    {
      name: '10.0.0.0/24 covers 10.0.0.255',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      event: at({ sourceIPAddress: '10.0.0.255' }),
      expected: true,
    },
    {
      name: '10.0.0.0/24 covers 10.0.0.0',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      event: at({ sourceIPAddress: '10.0.0.0' }),
      expected: true,
    },
    {
      name: '10.0.0.0/24 does not cover 10.0.1.1',
      pattern: { detail: { sourceIPAddress: [{ cidr: '10.0.0.0/24' }] } },
      event: at({ sourceIPAddress: '10.0.1.1' }),
      expected: false,
    },
    {
      name: '10.0.0.0/8 covers 10.0.0.33',
      pattern: { detail: { 'source-ip': [{ cidr: '10.0.0.0/8' }] } },
      event: contentEvent,
      expected: true,
    },
    {
      name: '/20 boundary: 172.16.15.255 is inside 172.16.0.0/20',
      pattern: { detail: { ip: [{ cidr: '172.16.0.0/20' }] } },
      event: at({ ip: '172.16.15.255' }),
      expected: true,
    },
    {
      name: '/20 boundary: 172.16.16.0 is outside 172.16.0.0/20',
      pattern: { detail: { ip: [{ cidr: '172.16.0.0/20' }] } },
      event: at({ ip: '172.16.16.0' }),
      expected: false,
    },
    {
      name: 'host bits in the block are ignored',
      pattern: { detail: { ip: [{ cidr: '10.0.0.5/24' }] } },
      event: at({ ip: '10.0.0.1' }),
      expected: true,
    },
    {
      name: '/0 covers every IPv4 address',
      pattern: { detail: { ip: [{ cidr: '0.0.0.0/0' }] } },
      event: at({ ip: '203.0.113.9' }),
      expected: true,
    },
    {
      name: 'IPv6: an expanded address in the /64',
      pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } },
      event: at({ sourceIPAddress: '2001:0db8:1234:1a00:0000:0000:0000:0000' }),
      expected: true,
    },
    {
      name: 'IPv6: a compressed address in the /64',
      pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } },
      event: at({ sourceIPAddress: '2001:DB8:1234:1A00::dead:beef' }),
      expected: true,
    },
    {
      name: 'IPv6: an address outside the /64',
      pattern: { detail: { sourceIPAddress: [{ cidr: '2001:db8:1234:1a00::/64' }] } },
      event: at({ sourceIPAddress: '2001:db8:1234:1b00::1' }),
      expected: false,
    },
    {
      name: 'an IPv4 address is not in an IPv6 block',
      pattern: { detail: { ip: [{ cidr: '::/0' }] } },
      event: at({ ip: '10.0.0.1' }),
      expected: false,
    },
    {
      name: 'a string that is not an IP address',
      pattern: { detail: { ip: [{ cidr: '10.0.0.0/8' }] } },
      event: at({ ip: '10.0.0.256' }),
      expected: false,
    },
    {
      name: 'a number is not an IP address',
      pattern: { detail: { ip: [{ cidr: '0.0.0.0/0' }] } },
      event: at({ ip: 167772161 }),
      expected: false,
    },
  ],

  wildcard: [
    {
      name: 'Simple*Service matches SimpleNotificationService',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: envelope({}, { source: 'SimpleNotificationService' }),
      expected: true,
    },
    {
      name: '* matches zero characters',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: envelope({}, { source: 'SimpleService' }),
      expected: true,
    },
    {
      name: 'Simple*Service does not match SimpleQueue',
      pattern: { source: [{ wildcard: 'Simple*Service' }] },
      event: envelope({}, { source: 'SimpleQueue' }),
      expected: false,
    },
    {
      name: 'event bus ARN in any account',
      pattern: { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } },
      event: at({ EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/default' }),
      expected: true,
    },
    {
      name: 'event bus ARN in another region',
      pattern: { detail: { EventBusArn: [{ wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' }] } },
      event: at({ EventBusArn: 'arn:aws:events:us-west-2:123456789012:event-bus/default' }),
      expected: false,
    },
    {
      name: 'a wildcard without * is an exact match',
      pattern: { source: [{ wildcard: 'aws.ec2' }] },
      event: ec2Event,
      expected: true,
    },
    {
      name: '* alone matches any string',
      pattern: { detail: { v: [{ wildcard: '*' }] } },
      event: at({ v: '' }),
      expected: true,
    },
    {
      name: '* alone does not match a number',
      pattern: { detail: { v: [{ wildcard: '*' }] } },
      event: at({ v: 1 }),
      expected: false,
    },
    {
      name: 'literal text after the last * anchors at the end',
      pattern: { detail: { v: [{ wildcard: '*.png' }] } },
      event: at({ v: 'a.png.jpg' }),
      expected: false,
    },
    {
      name: 'head and tail may not overlap',
      pattern: { detail: { v: [{ wildcard: 'ab*ba' }] } },
      event: at({ v: 'aba' }),
      expected: false,
    },
    {
      name: 'middle runs are found in order',
      pattern: { detail: { v: [{ wildcard: '*a*b*' }] } },
      event: at({ v: 'xxbxxa' }),
      expected: false,
    },
    {
      name: 'an escaped \\* is a literal asterisk',
      pattern: { detail: { v: [{ wildcard: 'file\\*.txt' }] } },
      event: at({ v: 'file*.txt' }),
      expected: true,
    },
    {
      name: 'an escaped \\* is not a wildcard',
      pattern: { detail: { v: [{ wildcard: 'file\\*.txt' }] } },
      event: at({ v: 'file1.txt' }),
      expected: false,
    },
    {
      name: 'an escaped \\\\ is a literal backslash',
      pattern: { detail: { v: [{ wildcard: 'C:\\\\dir\\\\*' }] } },
      event: at({ v: 'C:\\dir\\notes.txt' }),
      expected: true,
    },
  ],

  $or: [
    {
      name: 'the first branch matches',
      pattern: cloudWatchOr,
      event: cloudWatch({ metricName: 'CPUUtilization' }),
      expected: true,
    },
    {
      name: 'the second branch matches',
      pattern: cloudWatchOr,
      event: cloudWatch({ namespace: 'AWS/ES' }),
      expected: true,
    },
    {
      name: 'no branch matches',
      pattern: cloudWatchOr,
      event: cloudWatch({ metricName: 'DiskReadOps', namespace: 'AWS/RDS' }),
      expected: false,
    },
    {
      name: 'a branch matches but the field beside $or does not',
      pattern: cloudWatchOr,
      event: { ...cloudWatch({ metricName: 'CPUUtilization' }), source: 'aws.ec2' },
      expected: false,
    },
    {
      name: 'nested: the inner $or completes the AND branch',
      pattern: nestedOr,
      event: cloudWatch({ metricType: 'MetricType', namespace: 'AWS/EC2', spaceId: 1000 }),
      expected: true,
    },
    {
      name: 'nested: the AND branch without its inner $or',
      pattern: nestedOr,
      event: cloudWatch({ metricType: 'MetricType', namespace: 'AWS/EC2', metricId: 9 }),
      expected: false,
    },
    {
      name: 'nested: the last branch alone',
      pattern: nestedOr,
      event: cloudWatch({ scope: 'Service' }),
      expected: true,
    },
    {
      name: 'parallel: one branch of each $or holds',
      pattern: {
        $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
        detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
      },
      event: cloudWatch({ namespace: 'AWS/EC2', detail: { 'detail-type': 'CloudWatch Alarm State Change' } }),
      expected: true,
    },
    {
      name: 'parallel: the nested $or holds but the top one does not',
      pattern: {
        $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }],
        detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['CloudWatch Alarm State Change'] }] },
      },
      event: cloudWatch({ namespace: 'AWS/ES', detail: { source: 'aws.cloudwatch' } }),
      expected: false,
    },
    {
      name: 'a branch that only requires absence',
      pattern: notDeployUser,
      event: at({}),
      expected: true,
    },
    {
      name: 'neither the exclusion nor the absence holds',
      pattern: notDeployUser,
      event: at({ user: 'cdk-deploy' }),
      expected: false,
    },
  ],

  'combined operators': [
    { name: 'the complex example matches its event', pattern: complexPattern, event: contentEvent, expected: true },
    {
      name: 'the complex example fails on one field (x-limit 200)',
      pattern: complexPattern,
      event: { ...contentEvent, detail: { ...(contentEvent.detail as Record<string, unknown>), 'x-limit': 200 } },
      expected: false,
    },
    {
      name: 'several matchers in one list are an OR',
      pattern: { detail: { state: [{ prefix: 'init' }, { numeric: ['>', 100] }, 'stopped'] } },
      event: at({ state: 250 }),
      expected: true,
    },
    {
      name: 'several matchers in one list: none holds',
      pattern: { detail: { state: [{ prefix: 'init' }, { numeric: ['>', 100] }, 'stopped'] } },
      event: at({ state: 'running' }),
      expected: false,
    },
  ],
};

const invalidCases: InvalidCase[] = [
  { name: 'null pattern', pattern: null, path: '$', message: /must be a JSON object/ },
  { name: 'array pattern', pattern: [{ source: ['aws.ec2'] }], path: '$', message: /must be a JSON object/ },
  { name: 'string pattern', pattern: '{"source": ["aws.ec2"]}', path: '$', message: /must be a JSON object/ },
  { name: 'empty pattern', pattern: {}, path: '$', message: /Empty objects are not allowed/ },
  { name: 'empty nested object', pattern: { detail: {} }, path: '$.detail', message: /Empty objects are not allowed/ },
  {
    name: 'a leaf that is not an array',
    pattern: { source: 'aws.ec2' },
    path: '$.source',
    message: /must be an object or an array/,
  },
  {
    name: 'a numeric leaf that is not an array',
    pattern: { detail: { n: 5 } },
    path: '$.detail.n',
    message: /must be an object or an array/,
  },
  { name: 'a null leaf', pattern: { source: null }, path: '$.source', message: /must be an object or an array/ },
  { name: 'an empty array', pattern: { source: [] }, path: '$.source', message: /Empty arrays are not allowed/ },
  {
    name: 'a nested array value',
    pattern: { source: [['aws.ec2']] },
    path: '$.source[0]',
    message: /Match value must be/,
  },
  {
    name: 'a non-finite number',
    pattern: { detail: { n: [Number.NaN] } },
    path: '$.detail.n[0]',
    message: /Match value must be/,
  },
  {
    name: 'an empty match expression',
    pattern: { source: [{}] },
    path: '$.source[0]',
    message: /Match expression name not found/,
  },
  {
    name: 'two operators in one match expression',
    pattern: { source: [{ prefix: 'aws.', suffix: 'ec2' }] },
    path: '$.source[0]',
    message: /Only one key allowed/,
  },
  {
    name: 'an unknown operator',
    pattern: { source: [{ contains: 'ec2' }] },
    path: '$.source[0].contains',
    message: /Unrecognized match type contains/,
  },
  {
    name: 'operators are case-sensitive',
    pattern: { source: [{ Prefix: 'aws.' }] },
    path: '$.source[0].Prefix',
    message: /Unrecognized match type/,
  },
  {
    name: 'prefix with a number',
    pattern: { time: [{ prefix: 2017 }] },
    path: '$.time[0].prefix',
    message: /prefix match pattern must be a string/,
  },
  {
    name: 'prefix with an unknown modifier',
    pattern: { time: [{ prefix: { equals: '2017' } }] },
    path: '$.time[0].prefix',
    message: /prefix match pattern must be a string or/,
  },
  {
    name: 'prefix ignoring case with a number',
    pattern: { time: [{ prefix: { 'equals-ignore-case': 2017 } }] },
    path: '$.time[0].prefix["equals-ignore-case"]',
    message: /must be a string/,
  },
  {
    name: 'suffix with a list',
    pattern: { source: [{ suffix: ['ec2'] }] },
    path: '$.source[0].suffix',
    message: /suffix match pattern must be a string/,
  },
  {
    name: 'equals-ignore-case with a number',
    pattern: { source: [{ 'equals-ignore-case': 5 }] },
    path: '$.source[0]["equals-ignore-case"]',
    message: /equals-ignore-case match pattern must be a string/,
  },
  {
    name: 'equals-ignore-case wrapping prefix',
    pattern: { 'detail-type': [{ 'equals-ignore-case': { prefix: 'ec2' } }] },
    path: '$["detail-type"][0]["equals-ignore-case"]',
    message: /must be a string/,
  },
  {
    name: 'anything-but null',
    pattern: { detail: { state: [{ 'anything-but': null }] } },
    path: '$.detail.state[0]["anything-but"]',
    message: /Value of anything-but must be/,
  },
  {
    name: 'anything-but true',
    pattern: { detail: { state: [{ 'anything-but': true }] } },
    path: '$.detail.state[0]["anything-but"]',
    message: /Value of anything-but must be/,
  },
  {
    name: 'anything-but an empty list',
    pattern: { detail: { state: [{ 'anything-but': [] }] } },
    path: '$.detail.state[0]["anything-but"]',
    message: /Empty arrays are not allowed/,
  },
  {
    name: 'anything-but a mixed list',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', 100] }] } },
    path: '$.detail.state[0]["anything-but"]',
    message: /all strings or all numbers/,
  },
  {
    name: 'anything-but a list with null',
    pattern: { detail: { state: [{ 'anything-but': ['stopped', null] }] } },
    path: '$.detail.state[0]["anything-but"][1]',
    message: /only strings and numbers/,
  },
  {
    name: 'anything-but a number beyond 5e9',
    pattern: { detail: { n: [{ 'anything-but': 6e9 }] } },
    path: '$.detail.n[0]["anything-but"]',
    message: /between -5\.0e9 and 5\.0e9/,
  },
  {
    name: 'anything-but a list with a number beyond -5e9',
    pattern: { detail: { n: [{ 'anything-but': [1, -5.5e9] }] } },
    path: '$.detail.n[0]["anything-but"][1]',
    message: /between -5\.0e9 and 5\.0e9/,
  },
  {
    name: 'anything-but an empty prefix',
    pattern: { detail: { FileName: [{ 'anything-but': { prefix: '' } }] } },
    path: '$.detail.FileName[0]["anything-but"].prefix',
    message: /Null prefix\/suffix not allowed/,
  },
  {
    name: 'anything-but an empty suffix in a list',
    pattern: { detail: { FileName: [{ 'anything-but': { suffix: ['.png', ''] } }] } },
    path: '$.detail.FileName[0]["anything-but"].suffix[1]',
    message: /Null prefix\/suffix not allowed/,
  },
  {
    name: 'anything-but a prefix ignoring case',
    pattern: { detail: { FileName: [{ 'anything-but': { prefix: { 'equals-ignore-case': 'file' } } }] } },
    path: '$.detail.FileName[0]["anything-but"].prefix',
    message: /must be a string/,
  },
  {
    name: 'anything-but a numeric prefix',
    pattern: { detail: { FileName: [{ 'anything-but': { prefix: 1 } }] } },
    path: '$.detail.FileName[0]["anything-but"].prefix',
    message: /must be a string/,
  },
  {
    name: 'anything-but equals-ignore-case with numbers',
    pattern: { detail: { state: [{ 'anything-but': { 'equals-ignore-case': [123, 456] } }] } },
    path: '$.detail.state[0]["anything-but"]["equals-ignore-case"][0]',
    message: /must be a string/,
  },
  {
    name: 'anything-but an empty list of suffixes',
    pattern: { detail: { state: [{ 'anything-but': { suffix: [] } }] } },
    path: '$.detail.state[0]["anything-but"].suffix',
    message: /must not be empty/,
  },
  {
    name: 'anything-but an unsupported modifier',
    pattern: { detail: { state: [{ 'anything-but': { numeric: ['>', 1] } }] } },
    path: '$.detail.state[0]["anything-but"].numeric',
    message: /Unsupported anything-but pattern: numeric/,
  },
  {
    name: 'anything-but two modifiers',
    pattern: { detail: { state: [{ 'anything-but': { prefix: 'a', suffix: 'b' } }] } },
    path: '$.detail.state[0]["anything-but"]',
    message: /Only one key allowed/,
  },
  {
    name: 'anything-but an invalid wildcard',
    pattern: { detail: { FilePath: [{ 'anything-but': { wildcard: '*/lib/**' } }] } },
    path: '$.detail.FilePath[0]["anything-but"].wildcard',
    message: /Consecutive wildcard characters at pos 6/,
  },
  {
    name: 'numeric not an array',
    pattern: { detail: { n: [{ numeric: 5 }] } },
    path: '$.detail.n[0].numeric',
    message: /Value of numeric must be an array/,
  },
  {
    name: 'numeric an empty array',
    pattern: { detail: { n: [{ numeric: [] }] } },
    path: '$.detail.n[0].numeric[0]',
    message: /Unrecognized numeric range operator/,
  },
  {
    name: 'numeric with an unknown operator',
    pattern: { detail: { n: [{ numeric: ['!=', 5] }] } },
    path: '$.detail.n[0].numeric[0]',
    message: /Unrecognized numeric range operator: "!="/,
  },
  {
    name: 'numeric with a string value',
    pattern: { detail: { n: [{ numeric: ['>', '5'] }] } },
    path: '$.detail.n[0].numeric[1]',
    message: /Value of > must be numeric/,
  },
  {
    name: 'numeric with no value',
    pattern: { detail: { n: [{ numeric: ['>'] }] } },
    path: '$.detail.n[0].numeric[1]',
    message: /Value of > must be numeric/,
  },
  {
    name: 'numeric with two lower bounds',
    pattern: { detail: { 'c-count': [{ numeric: ['>', 0, '>', 0] }] } },
    path: '$.detail["c-count"][0].numeric[2]',
    message: /Bad numeric range operator: ">"/,
  },
  {
    name: 'numeric range written top first',
    pattern: { detail: { n: [{ numeric: ['<', 5, '>', 0] }] } },
    path: '$.detail.n[0].numeric[2]',
    message: /Too many elements in numeric expression/,
  },
  {
    name: 'numeric = followed by a bound',
    pattern: { detail: { n: [{ numeric: ['=', 5, '<', 6] }] } },
    path: '$.detail.n[0].numeric[2]',
    message: /Too many elements in numeric expression/,
  },
  {
    name: 'numeric upper bound not a number',
    pattern: { detail: { n: [{ numeric: ['>', 0, '<', '5'] }] } },
    path: '$.detail.n[0].numeric[3]',
    message: /Value of < must be numeric/,
  },
  {
    name: 'numeric bottom above top',
    pattern: { detail: { n: [{ numeric: ['>', 10, '<', 5] }] } },
    path: '$.detail.n[0].numeric',
    message: /Bottom must be less than top/,
  },
  {
    name: 'numeric bottom equal to top',
    pattern: { detail: { n: [{ numeric: ['>=', 5, '<=', 5] }] } },
    path: '$.detail.n[0].numeric',
    message: /Bottom must be less than top/,
  },
  {
    name: 'numeric with a fifth term',
    pattern: { detail: { n: [{ numeric: ['>', 0, '<', 5, '<', 6] }] } },
    path: '$.detail.n[0].numeric[4]',
    message: /Too many terms in numeric range expression/,
  },
  {
    name: 'numeric with a stray value after the range',
    pattern: { detail: { n: [{ numeric: ['>', 0, '<', 5, 7] }] } },
    path: '$.detail.n[0].numeric[4]',
    message: /Too many terms in numeric range expression/,
  },
  {
    name: 'numeric value beyond 5e9',
    pattern: { detail: { n: [{ numeric: ['>', 5.000001e9] }] } },
    path: '$.detail.n[0].numeric[1]',
    message: /between -5\.0e9 and 5\.0e9/,
  },
  {
    name: 'numeric upper bound beyond 5e9',
    pattern: { detail: { n: [{ numeric: ['>', 0, '<', 1e10] }] } },
    path: '$.detail.n[0].numeric[3]',
    message: /between -5\.0e9 and 5\.0e9/,
  },
  {
    name: 'exists with a string',
    pattern: { detail: { n: [{ exists: 'true' }] } },
    path: '$.detail.n[0].exists',
    message: /either true or false/,
  },
  {
    name: 'exists with a number',
    pattern: { detail: { n: [{ exists: 1 }] } },
    path: '$.detail.n[0].exists',
    message: /either true or false/,
  },
  {
    name: 'cidr with a number',
    pattern: { detail: { ip: [{ cidr: 10 }] } },
    path: '$.detail.ip[0].cidr',
    message: /cidr match pattern must be a string/,
  },
  {
    name: 'cidr without a mask',
    pattern: { detail: { ip: [{ cidr: '10.0.0.0' }] } },
    path: '$.detail.ip[0].cidr',
    message: /one '\/' required/,
  },
  {
    name: 'cidr with two slashes',
    pattern: { detail: { ip: [{ cidr: '10.0.0.0/8/8' }] } },
    path: '$.detail.ip[0].cidr',
    message: /one '\/' required/,
  },
  {
    name: 'cidr with a bad mask',
    pattern: { detail: { ip: [{ cidr: 'bad-/64filter' }] } },
    path: '$.detail.ip[0].cidr',
    message: /mask bits must be an integer/,
  },
  {
    name: 'cidr with a bad address',
    pattern: { detail: { ip: [{ cidr: 'xx.11.xx/8' }] } },
    path: '$.detail.ip[0].cidr',
    message: /Nonstandard IP address: xx\.11\.xx/,
  },
  {
    name: 'cidr with an octet above 255',
    pattern: { detail: { ip: [{ cidr: '256.0.0.0/8' }] } },
    path: '$.detail.ip[0].cidr',
    message: /Nonstandard IP address/,
  },
  {
    name: 'cidr with a bad IPv6 address',
    pattern: { detail: { ip: [{ cidr: '2001:db8:::1/64' }] } },
    path: '$.detail.ip[0].cidr',
    message: /Nonstandard IP address/,
  },
  {
    name: 'cidr with an IPv6 address of seven groups',
    pattern: { detail: { ip: [{ cidr: '2001:db8:1:2:3:4:5/64' }] } },
    path: '$.detail.ip[0].cidr',
    message: /Nonstandard IP address/,
  },
  {
    name: 'cidr IPv4 mask of 32',
    pattern: { detail: { ip: [{ cidr: '10.0.0.1/32' }] } },
    path: '$.detail.ip[0].cidr',
    message: /IPv4 mask bits must be < 32/,
  },
  {
    name: 'cidr IPv6 mask of 128',
    pattern: { detail: { ip: [{ cidr: '2001:db8::1/128' }] } },
    path: '$.detail.ip[0].cidr',
    message: /IPv6 mask bits must be < 128/,
  },
  {
    name: 'wildcard with a number',
    pattern: { source: [{ wildcard: 5 }] },
    path: '$.source[0].wildcard',
    message: /wildcard match pattern must be a string/,
  },
  {
    name: 'consecutive wildcards',
    pattern: { source: [{ wildcard: 'aws.**' }] },
    path: '$.source[0].wildcard',
    message: /Consecutive wildcard characters at pos 4/,
  },
  {
    name: 'an escape of another character',
    pattern: { source: [{ wildcard: 'aws\\.ec2' }] },
    path: '$.source[0].wildcard',
    message: /Invalid escape character at pos 3/,
  },
  {
    name: 'a trailing backslash',
    pattern: { source: [{ wildcard: 'aws\\' }] },
    path: '$.source[0].wildcard',
    message: /Invalid escape character at pos 3/,
  },
  {
    name: '$or not an array',
    pattern: { $or: { source: ['aws.ec2'] } },
    path: '$["$or"]',
    message: /\$or must be an array/,
  },
  {
    name: '$or with one object',
    pattern: { $or: [{ source: ['aws.ec2'] }] },
    path: '$["$or"]',
    message: /at least 2 objects/,
  },
  { name: '$or empty', pattern: { $or: [] }, path: '$["$or"]', message: /at least 2 objects/ },
  {
    name: '$or with a value that is not an object',
    pattern: { $or: [{ source: ['aws.ec2'] }, ['aws.s3']] },
    path: '$["$or"][1]',
    message: /Only objects are allowed in \$or/,
  },
  {
    name: '$or with matchers in place of fields',
    pattern: { $or: [{ numeric: [123] }, { prefix: ['abc'] }] },
    path: '$["$or"][0].numeric',
    message: /match keyword and cannot be a field name inside \$or/,
  },
  {
    name: '$or with an empty branch',
    pattern: { $or: [{ source: ['aws.ec2'] }, {}] },
    path: '$["$or"][1]',
    message: /Empty objects are not allowed/,
  },
  {
    name: 'an error deep inside a nested $or',
    pattern: { detail: { $or: [{ a: ['x'] }, { $or: [{ b: ['y'] }, { c: [{ numeric: ['>', 'z'] }] }] }] } },
    path: '$.detail["$or"][1]["$or"][1].c[0].numeric[1]',
    message: /Value of > must be numeric/,
  },
];

describe('event patterns', () => {
  describe.each(Object.entries(matchTables))('matching: %s', (_operator, cases) => {
    it.each(cases)('$name → $expected', ({ pattern, event, expected }) => {
      // Prepare: every pattern here is one EventBridge accepts.
      const validation = validatePattern(pattern);
      const matcher = compilePattern(pattern);

      // Act
      const matched = matchesPattern(pattern, event);
      const compiledMatched = matcher(event);

      // Assess
      expect(validation).toEqual({ ok: true, pattern });
      expect(matched).toBe(expected);
      expect(compiledMatched).toBe(expected);
    });
  });

  describe('validation failures', () => {
    it.each(invalidCases)('$name', ({ pattern, path, message }) => {
      // Prepare
      const describeError = (e: { path: string; message: string }): string => `${e.path}: ${e.message}`;

      // Act
      const result = validatePattern(pattern);

      // Assess
      expect(result.ok).toBe(false);
      const errors = result.ok ? [] : result.errors.map(describeError);
      expect(errors.some((e) => e.startsWith(`${path}: `) && message.test(e.slice(path.length + 2)))).toBe(true);
      expect(() => compilePattern(pattern)).toThrow(`${path}: `);
    });

    it('reports every invalid member, not only the first', () => {
      // Prepare
      const pattern = {
        source: 'aws.ec2',
        detail: { state: [], 'c-count': [{ numeric: ['>', 10, '<', 5] }], ip: [{ cidr: '10.0.0.0/40' }] },
      };

      // Act
      const result = validatePattern(pattern);

      // Assess
      expect(result.ok).toBe(false);
      expect(result.ok ? [] : result.errors.map((e) => e.path)).toEqual([
        '$.source',
        '$.detail.state',
        '$.detail["c-count"][0].numeric',
        '$.detail.ip[0].cidr',
      ]);
    });

    it('names every error in the message compilePattern throws', () => {
      // Prepare
      const pattern = { source: [{ prefix: 1 }], region: [] };

      // Act
      const compile = (): unknown => compilePattern(pattern);

      // Assess
      expect(compile).toThrow(/Invalid event pattern:\n {2}\$\.source\[0\]\.prefix: .+\n {2}\$\.region: Empty arrays/);
    });
  });

  describe('validation accepts', () => {
    it.each<{ name: string; pattern: EventPattern }>([
      { name: 'a field named like an operator outside $or', pattern: { detail: { prefix: ['x'], numeric: [1] } } },
      { name: 'an IPv4 /0 block', pattern: { detail: { ip: [{ cidr: '0.0.0.0/0' }] } } },
      {
        name: 'an empty wildcard under anything-but',
        pattern: { detail: { p: [{ 'anything-but': { wildcard: '' } }] } },
      },
      { name: 'an escaped asterisk next to a wildcard', pattern: { detail: { p: [{ wildcard: '\\**' }] } } },
      { name: 'numbers at the limits', pattern: { detail: { n: [{ numeric: ['>=', -5e9, '<=', 5e9] }] } } },
      { name: 'exact numbers beyond the limits', pattern: { account: [123456789012] } },
    ])('$name', ({ pattern }) => {
      // Act
      const result = validatePattern(pattern);

      // Assess
      expect(result).toEqual({ ok: true, pattern });
    });
  });
});
