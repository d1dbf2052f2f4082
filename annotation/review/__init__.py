"""The review queue: which tasks a reviewer should open in Label Studio, most
urgent first, each with its URL and the regions where its annotators differ
(`nkcorpus review`). Ranking in `queue`, the small span matcher and the
region differences in `disagreement`, unchanged predictions in `anchoring`,
Label Studio URLs and the annotators-per-task lookup in `urls`, output in
`report`."""
