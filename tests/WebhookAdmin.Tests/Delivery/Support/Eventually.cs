namespace WebhookAdmin.Tests.Delivery.Support;

/// <summary>Waits for a condition instead of sleeping a guessed time; fails with what was last seen.</summary>
public static class Eventually
{
    public static async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null, string? what = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var value = await read();
            if (done(value))
                return value;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"Timed out waiting for {what ?? "the condition"}; last seen: {Describe(value)}");
            await Task.Delay(25);
        }
    }

    public static Task<T> WaitAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan? timeout = null, string? what = null) =>
        WaitAsync(() => Task.FromResult(read()), done, timeout, what);

    private static string Describe<T>(T value) => value is System.Collections.IEnumerable items and not string
        ? "[" + string.Join(", ", items.Cast<object>()) + "]"
        : value?.ToString() ?? "null";
}
