/**
 * The bundle's size budget, enforced by `nx run upload-processor:size-check`. The AWS SDK v3
 * clients alone (S3, DynamoDB, SQS, tree-shaken, with their credential providers) take about
 * 500 KB of the bundle's 704 KB, so the 400 KB the benchmark aims at cannot hold them. The budget
 * is the measured size plus about a tenth, to catch a dependency that creeps in. Leaving the SDK
 * to the Lambda runtime would make the bundle 206 KB but the cold start slower (measured side by
 * side in bench/results/lambda.json), and deploy an SDK version the tests never ran against.
 */
export const BUDGET_BYTES = 768 * 1024;
