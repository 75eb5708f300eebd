/**
 * The bundle's size budget (every .mjs deployed, lazy chunks included), enforced by
 * `nx run upload-processor:size-check`. The AWS SDK v3 clients alone (S3, DynamoDB, SQS,
 * tree-shaken, with their credential providers) take about 500 KB of the 663 KB shipped (536 KB of
 * it loaded at cold start), so the 400 KB the benchmark aims at cannot hold them. The budget is
 * the measured size plus about a twentieth, to catch a dependency that creeps in. Leaving the SDK
 * to the Lambda runtime would make the bundle 206 KB but the cold start slower (measured side by
 * side in bench/results/lambda.json), and deploy an SDK version the tests never ran against.
 */
export const BUDGET_BYTES = 704 * 1024;
