namespace EdgeTransfer.Runtime.Learning.Tests.Support;

/// <summary>An <see cref="IProgress{T}"/> that calls back synchronously on the reporting thread (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
