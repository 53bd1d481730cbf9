using EmrPortal.Contracts;
using EmrPortal.Proxy.Sessions;

namespace EmrPortal.Proxy.Tests.Unit;

public sealed class QueryValidationTests
{
    [Theory]
    [InlineData(QueryNames.Page, "0")]
    [InlineData(QueryNames.Page, "-1")]
    [InlineData(QueryNames.Page, "abc")]
    [InlineData(QueryNames.Page, "1.5")]
    [InlineData(QueryNames.Page, "99999999999")]
    [InlineData(QueryNames.PageSize, "0")]
    [InlineData(QueryNames.PageSize, "201")]
    [InlineData(QueryNames.PageSize, "ten")]
    [InlineData(QueryNames.Sort, "bogus")]
    [InlineData(QueryNames.Sort, "connectionToken")]
    [InlineData(QueryNames.Dir, "up")]
    [InlineData(QueryNames.State, "Run-ning")]
    [InlineData(QueryNames.Kind, "SPARK")]
    [InlineData(QueryNames.Q, "line\nbreak")]
    public void Bad_value_is_rejected_naming_the_parameter(string parameter, string value)
    {
        var query = Build(parameter, value);

        Assert.False(query.TryParse(out _, out var errors));
        Assert.Equal([parameter], errors.Keys);
    }

    [Fact]
    public void Overlong_search_text_is_rejected()
    {
        Assert.False(Build(QueryNames.Q, new string('x', 201)).TryParse(out _, out var errors));
        Assert.Contains(QueryNames.Q, errors.Keys);
    }

    [Fact]
    public void Defaults_apply_and_known_values_are_normalized()
    {
        var query = new SessionListQuery { Sort = "QUEUENAME", Dir = "ASC", State = "running", Kind = "sql", Q = "  etl  " };

        Assert.True(query.TryParse(out var view, out _));
        Assert.Equal(new SessionView(1, 25, SessionSortKey.QueueName, false, new SessionFilter(SessionStates.Running, SessionKinds.Sql, null, null, "etl")), view);
        Assert.True(new SessionListQuery().TryParse(out var defaults, out _));
        Assert.Equal(SessionView.Default, defaults);
    }

    private static SessionListQuery Build(string parameter, string value) => parameter switch
    {
        QueryNames.Page => new SessionListQuery { Page = value },
        QueryNames.PageSize => new SessionListQuery { PageSize = value },
        QueryNames.Sort => new SessionListQuery { Sort = value },
        QueryNames.Dir => new SessionListQuery { Dir = value },
        QueryNames.State => new SessionListQuery { State = value },
        QueryNames.Kind => new SessionListQuery { Kind = value },
        QueryNames.Q => new SessionListQuery { Q = value },
        _ => throw new ArgumentOutOfRangeException(nameof(parameter)),
    };
}
