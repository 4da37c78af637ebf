// The AWS SDK warns on every client creation under Node 20; the Lambda runtime is Node 22.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Powertools Logger writes to stdout; tests read logs through injected loggers instead.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
