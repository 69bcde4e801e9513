using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Microsoft.Extensions.Caching.Hybrid;

namespace OrleansCache.Cache.Tests.Hybrid;

public sealed record Money(decimal Amount, string Currency);

public sealed record Note(string Text);

public sealed record Profile(string Name, int Revision);

/// <summary>Money as "EUR 12.50": a format System.Text.Json would never write, so a test sees which serializer ran.</summary>
public sealed class MoneySerializer : IHybridCacheSerializer<Money>
{
    public Money Deserialize(ReadOnlySequence<byte> source)
    {
        var parts = Encoding.UTF8.GetString(source).Split(' ');
        return new Money(decimal.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts[0]);
    }

    public void Serialize(Money value, IBufferWriter<byte> target) =>
        Encoding.UTF8.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value.Currency} {value.Amount}"), target);
}

/// <summary>A factory that serializes <see cref="Note"/> only, as "note:" and its text.</summary>
public sealed class NoteSerializerFactory : IHybridCacheSerializerFactory
{
    public bool TryCreateSerializer<T>([NotNullWhen(true)] out IHybridCacheSerializer<T>? serializer)
    {
        serializer = typeof(T) == typeof(Note) ? (IHybridCacheSerializer<T>)(object)new NoteSerializer() : null;
        return serializer is not null;
    }

    private sealed class NoteSerializer : IHybridCacheSerializer<Note>
    {
        public Note Deserialize(ReadOnlySequence<byte> source) => new(Encoding.UTF8.GetString(source)["note:".Length..]);

        public void Serialize(Note value, IBufferWriter<byte> target) => Encoding.UTF8.GetBytes("note:" + value.Text, target);
    }
}
