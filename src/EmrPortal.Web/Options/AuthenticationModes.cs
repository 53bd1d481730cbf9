namespace EmrPortal.Web.Options;

public static class AuthenticationModes
{
    public const string Entra = "Entra";
    public const string Demo = "Demo";
}
