// The decision instruments live on one static meter per process, so a metric test would see the
// taps of a class running beside it: run the classes one after another (they take ~2 s in all).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
