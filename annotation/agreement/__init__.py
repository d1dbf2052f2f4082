"""Inter-annotator agreement (`nkcorpus agreement`), what Label Studio keeps
for its paid edition.

Measured on every task with two or more annotators (`inputs`: submitted,
not-cancelled annotations by distinct authors who are not reviewers;
predictions never count), pairwise for every pair of the task's annotators:

- `matching`: exact and one-to-one greedy overlap matching of spans;
- `spans`: pairwise span F1 per label and overall, micro-averaged over
  annotator pairs and documents;
- `tokens`: one BIO tag per token, Cohen's kappa and Krippendorff's alpha;
- `attributes`: attribute and relation agreement on overlap-matched spans;
- `figures`: per-document additive counts and the figures from their sums;
- `bootstrap`: 95% percentile intervals over documents (seeded);
- `report`: `measure_agreement`, the whole report; `text`: its tables;
- `statistics`: F1, Cohen's kappa, nominal alpha from counts.
"""
